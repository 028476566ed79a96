# Pure: agent options -> agent.toml attrset. [report] token_file points at the
# LoadCredential file; [etcd]/[zookeeper] follow ogygia.etcd/ogygia.zookeeper
# unless settings set them, their credential files named by the unit's
# LoadCredential paths (ogygia/credentials.nix lists the same names).
{
  lib,
  credentialPath,
  cfg,
  base,
}:
let
  cred = name: file: if file == null then null else credentialPath "ogygia-agent" name;
  fleetStore =
    if base.etcd.endpoints != [ ] then
      {
        etcd = {
          endpoints = base.etcd.endpoints;
          namespace = base.etcd.namespace;
          timeout_seconds = base.etcd.timeoutSeconds;
          username = base.etcd.username;
          password_file = cred "etcd-password" base.etcd.passwordFile;
          ca_file = cred "etcd-ca" base.etcd.caFile;
          cert_file = cred "etcd-cert" base.etcd.certFile;
          key_file = cred "etcd-key" base.etcd.keyFile;
        };
      }
    else if base.zookeeper.enable then
      {
        zookeeper = {
          endpoints = base.zookeeper.endpoints;
          namespace = base.zookeeper.namespace;
          timeout_seconds = base.zookeeper.timeoutSeconds;
          auth_file = cred "zookeeper-auth" base.zookeeper.authFile;
        };
      }
    else
      { };
  report =
    if cfg.reportTokenFile == null then
      { }
    else
      { report.token_file = credentialPath "ogygia-agent" "report-token"; };
in
lib.recursiveUpdate (fleetStore // report) cfg.settings
