# Pure: agent options -> agent.toml attrset. [report] token_file points at the
# LoadCredential file; [etcd]/[zookeeper] follow ogygia.etcd/ogygia.zookeeper
# unless settings set them.
{
  lib,
  credentialPath,
  cfg,
  base,
}:
let
  fleetStore =
    if base.etcd.endpoints != [ ] then
      {
        etcd = {
          endpoints = base.etcd.endpoints;
          namespace = base.etcd.namespace;
          timeout_seconds = base.etcd.timeoutSeconds;
        };
      }
    else if base.zookeeper.enable then
      {
        zookeeper = {
          endpoints = base.zookeeper.endpoints;
          namespace = base.zookeeper.namespace;
          timeout_seconds = base.zookeeper.timeoutSeconds;
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
