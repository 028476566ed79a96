# Pure: the options of the base module -> the attrset rendered as
# /run/current-system/sw/share/ogygia/config.toml (snake_case keys, as in the
# Ogygia README). Nulls are dropped when rendering.
{ lib, cfg }:
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
        };
    reconciler = if cfg.reconciler.url == null then null else { url = cfg.reconciler.url; };
  };
} cfg.settings
