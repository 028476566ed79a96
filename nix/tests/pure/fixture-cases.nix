# Test-only: what each module renders for the representative settings kept in
# fixtures/nix-generated/*.toml, computed by the modules' own pure settings
# files. `cfg` is the option defaults (as in nix/modules/*/options.nix) plus
# the example settings; test/nix-module-config.test.ts evaluates this with
# `nix-instantiate --eval --strict --json` and compares it with the fixtures.
let
  lib = import ./mini-lib.nix;
  dropNulls = lib.filterAttrsRecursive (_: v: v != null);
  credentialPath = unit: name: "/run/credentials/${unit}.service/${name}";
  keys = [
    "ops-test-1:2hmGD3UYvY9N+QUchNOvlvEpo2adUroXmoeewYeYoQw="
    "ops-test-2:Xuh9U3MITtchkXJjtZyv3WijQelOw2w38rDCbF5OEKo="
  ];

  # ogygia.* (defaults + the README's etcd example)
  base = {
    enable = true;
    domain = "example.com";
    etcd = {
      endpoints = [
        "http://etcd1.internal:2379"
        "http://etcd2.internal:2379"
        "http://etcd3.internal:2379"
      ];
      namespace = "/nixos/versions";
      timeoutSeconds = 10;
      username = null;
      passwordFile = null;
      caFile = null;
      certFile = null;
      keyFile = null;
    };
    zookeeper = {
      enable = false;
      endpoints = [ ];
      namespace = "/nixos/versions";
      timeoutSeconds = 10;
      authFile = null;
    };
    reconciler.url = null;
    settings = { };
    nebula.ipv4 = null;
  };
  # ... and the README's ZooKeeper example, with a reconciler URL
  baseZk = base // {
    etcd = base.etcd // { endpoints = [ ]; };
    zookeeper = {
      enable = true;
      endpoints = [
        "zk1.internal:2181"
        "zk2.internal:2181"
        "zk3.internal:2181"
      ];
      namespace = "/nixos/versions";
      timeoutSeconds = 10;
      authFile = null;
    };
    reconciler.url = "http://reconciler.internal:35740";
  };
  # ... and a host with etcd credentials (docs/status.md, "Fleet store credentials")
  baseAuth = base // {
    etcd = base.etcd // {
      username = "web01";
      passwordFile = "/run/secrets/ogygia-etcd-password";
    };
  };
in
{
  status-config = dropNulls (import ../../modules/ogygia/settings.nix { inherit lib; cfg = base; });
  status-config-zookeeper = dropNulls (import ../../modules/ogygia/settings.nix { inherit lib; cfg = baseZk; });
  # The copy `ogygia report` reads when credentials are set (report/config.nix).
  report-config = dropNulls (import ../../modules/ogygia/settings.nix {
    inherit lib;
    cfg = baseAuth;
    credentialFile = name: _: credentialPath "ogygia-report" name;
  });

  agent = dropNulls (import ../../modules/agent/settings.nix {
    inherit lib credentialPath;
    base = baseAuth;
    cfg = {
      reportTokenFile = "/run/secrets/ogygia-report-token";
      settings = {
        host = null;
        channel = "prod";
        source = "http://reconciler.internal:35740";
        poll_interval_seconds = 60;
        state_dir = "/var/lib/ogygia-agent";
        trust = {
          inherit keys;
          threshold = 2;
        };
        nix = {
          action = "switch";
          profile = "/nix/var/nix/profiles/system";
          substituters = [ ];
        };
        health = {
          command = "systemctl is-system-running --wait";
          timeout_seconds = 120;
        };
      };
    };
  });

  reconciler = dropNulls (import ../../modules/reconciler/settings.nix {
    inherit lib credentialPath;
    cfg = {
      webhookSecretFile = "/run/secrets/ogygia-webhook";
      etcd = {
        passwordFile = "/run/secrets/ogygia-reconciler-etcd-password";
        caFile = "/etc/ssl/etcd-ca.pem";
        certFile = null;
        keyFile = null;
      };
      reportTokenFiles = [
        "/run/secrets/ogygia-report-token"
        "/run/secrets/ogygia-report-token-old"
      ];
      settings = {
        source = "https://git.example.com/ops/channels.git";
        branch = "main";
        listen = "0.0.0.0:35740";
        state_dir = "/var/lib/ogygia-reconciler";
        poll_interval_seconds = 60;
        etcd = {
          endpoints = [ "https://etcd1.internal:2379" ];
          username = "ogygia-reconciler";
        };
        trust = {
          inherit keys;
          threshold = 1;
          channels.prod.threshold = 2;
        };
      };
    };
  });

  irisd = dropNulls (import ../../modules/irisd/settings.nix {
    inherit lib credentialPath;
    nebulaIpv4 = "10.42.0.1";
    cfg = {
      signingKeyFile = "/run/secrets/irisd-sign-key";
      settings = {
        server.listen = [ "10.0.0.1:35742" ];
        store.root = "/";
        peers = {
          urls = [
            "http://10.0.0.2:35742"
            "http://10.0.0.3:35742"
          ];
          refresh_seconds = 30;
          timeout_ms = 1500;
        };
        trust.trusted_keys = [ "cache.example.com-1:BdbYyg+hdgXrlUr7H4kC9FD4mEWOvPTi5+ZuApo3cTQ=" ];
        cache = {
          dir = "/var/cache/ogygia-irisd";
          compression = "zstd";
          compression_level = 3;
        };
      };
    };
  }).settings;
}
