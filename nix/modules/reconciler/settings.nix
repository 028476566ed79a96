# Pure: reconciler options -> reconciler.toml attrset. Secrets are named by
# their LoadCredential path; the files themselves never enter the store.
{
  lib,
  credentialPath,
  cfg,
}:
let
  unit = "ogygia-reconciler";
  webhook =
    if cfg.webhookSecretFile == null then
      { }
    else
      { webhook.secret_file = credentialPath unit "webhook"; };
  reports =
    if cfg.reportTokenFiles == [ ] then
      { }
    else
      {
        reports.token_files = lib.imap0 (i: _: credentialPath unit "report-token-${toString i}") cfg.reportTokenFiles;
      };
  etcdFiles = {
    password_file = cfg.etcd.passwordFile;
    ca_file = cfg.etcd.caFile;
    cert_file = cfg.etcd.certFile;
    key_file = cfg.etcd.keyFile;
  };
  # The same names as config.nix's LoadCredential entries.
  credentialName = {
    password_file = "etcd-password";
    ca_file = "etcd-ca";
    cert_file = "etcd-cert";
    key_file = "etcd-key";
  };
  etcd =
    let
      set = builtins.filter (k: etcdFiles.${k} != null) (builtins.attrNames etcdFiles);
    in
    if set == [ ] then
      { }
    else
      {
        etcd = builtins.listToAttrs (map (k: {
          name = k;
          value = credentialPath unit credentialName.${k};
        }) set);
      };
in
lib.recursiveUpdate cfg.settings (webhook // reports // etcd)
