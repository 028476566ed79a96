# Pure: the options of the base module -> the attrset rendered as
# /run/current-system/sw/share/ogygia/config.toml (snake_case keys, as in the
# Ogygia README). Nulls are dropped when rendering.
#
# `credentialFile NAME FILE` says how a fleet store credential file is named:
# as given (the default: config.toml, read by `ogygia status` as whoever runs
# it), or by a unit's LoadCredential path (the copy `ogygia report` reads,
# report/config.nix). NAME is the one ogygia/credentials.nix gives it. Only
# paths are written: the secrets never enter the Nix store.
{
  lib,
  cfg,
  credentialFile ? (_name: file: file),
}:
let
  cred = name: file: if file == null then null else credentialFile name file;
in
lib.recursiveUpdate {
  ogygia = {
    domain = cfg.domain;
    etcd =
      if cfg.etcd.endpoints == [ ] then
        null
      else
        {
          endpoints = cfg.etcd.endpoints;
          namespace = cfg.etcd.namespace;
          timeout_seconds = cfg.etcd.timeoutSeconds;
          username = cfg.etcd.username;
          password_file = cred "etcd-password" cfg.etcd.passwordFile;
          ca_file = cred "etcd-ca" cfg.etcd.caFile;
          cert_file = cred "etcd-cert" cfg.etcd.certFile;
          key_file = cred "etcd-key" cfg.etcd.keyFile;
        };
    zookeeper =
      if !cfg.zookeeper.enable then
        null
      else
        {
          enable = true;
          endpoints = cfg.zookeeper.endpoints;
          namespace = cfg.zookeeper.namespace;
          timeout_seconds = cfg.zookeeper.timeoutSeconds;
          auth_file = cred "zookeeper-auth" cfg.zookeeper.authFile;
        };
    reconciler = if cfg.reconciler.url == null then null else { url = cfg.reconciler.url; };
  };
} cfg.settings
