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
in
lib.recursiveUpdate cfg.settings (webhook // reports)
