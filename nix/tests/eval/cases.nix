# Test-only: the configurations nix/tests/eval/default.nix evaluates, each as
# an operator would write it (docs/nix.md), through the modules flake.nix
# exports. test/nixos/modules.nixos.ts states what each must give.
#   summary CONFIG       everything NixOS would make of it
#   assertionsOf CONFIG  only the assertions that fail, and the warnings
{
  lib,
  flake,
  nixos,
  pkgsFor,
  summary,
  assertionsOf,
}:
let
  m = flake.nixosModules;
  keys = [
    "ops-test-1:2hmGD3UYvY9N+QUchNOvlvEpo2adUroXmoeewYeYoQw="
    "ops-test-2:Xuh9U3MITtchkXJjtZyv3WijQelOw2w38rDCbF5OEKo="
  ];
  irisKey = "iris-peer1-test-1:BdbYyg+hdgXrlUr7H4kC9FD4mEWOvPTi5+ZuApo3cTQ=";
  revision = "0123456789abcdef0123456789abcdef01234567";

  # A fleet host as docs/nix.md sets one up: revision tracking, etcd with
  # this host's credentials, the agent.
  fleetHost = {
    networking.hostName = "web01";
    system.configurationRevision = revision;
    ogygia = {
      enable = true;
      domain = "example.com";
      etcd = {
        endpoints = [
          "https://etcd1.internal:2379"
          "https://etcd2.internal:2379"
        ];
        username = "web01";
        passwordFile = "/run/secrets/ogygia-etcd-password";
        caFile = "/etc/ssl/certs/etcd-ca.pem";
      };
      agent = {
        enable = true;
        reportTokenFile = "/run/secrets/ogygia-report-token";
        settings = {
          channel = "prod";
          source = "http://reconciler.internal:35740";
          trust.keys = keys;
          trust.threshold = 2;
          health.command = "systemctl is-system-running --wait";
          health.timeout_seconds = 120;
          nix.action = "switch";
        };
      };
    };
  };

  reconciler = {
    ogygia.reconciler = {
      enable = true;
      openFirewall = true;
      webhookSecretFile = "/run/secrets/ogygia-webhook";
      reportTokenFiles = [
        "/run/secrets/ogygia-report-token"
        "/run/secrets/ogygia-report-token-old"
      ];
      etcd.passwordFile = "/run/secrets/ogygia-reconciler-etcd-password";
      settings = {
        source = "https://git.example.com/ops/channels.git";
        listen = "0.0.0.0:35740";
        trust.keys = keys;
        trust.channels.prod.threshold = 2;
        etcd = {
          endpoints = [ "https://etcd1.internal:2379" ];
          username = "ogygia-reconciler";
        };
      };
    };
  };

  irisd = {
    ogygia.nebula.ipv4 = "10.42.0.1";
    ogygia.irisd = {
      enable = true;
      openFirewall = true;
      configureNixDaemon = true;
      signingKeyFile = "/run/secrets/irisd-sign-key";
      settings = {
        peers.urls = [
          "http://10.42.0.2:35742"
          "http://10.42.0.3:35742"
        ];
        trust.trusted_keys = [ irisKey ];
      };
    };
  };

  # A host without an agent that publishes its revisions itself.
  reportHost = {
    networking.hostName = "db01";
    ogygia = {
      enable = true;
      etcd = {
        endpoints = [ "https://etcd1.internal:2379" ];
        username = "db01";
        passwordFile = "/run/secrets/ogygia-etcd-password";
      };
      report.enable = true;
    };
  };

  # A reconciler that needs nothing else, for the assertion cases.
  reconcilerWith = extra: {
    ogygia.reconciler = lib.recursiveUpdate {
      enable = true;
      settings = {
        source = "https://git.example.com/ops/channels.git";
        trust.keys = keys;
      };
    } extra;
  };
  inStore = name: "/nix/store/00000000000000000000000000000000-${name}";

  # An agent that needs nothing else, for the assertion cases.
  agent = {
    ogygia.agent = {
      enable = true;
      settings = {
        channel = "prod";
        source = "http://reconciler.internal:35740";
        trust.keys = keys;
      };
    };
  };
in
{
  # nixosModules.default on an agent host.
  fleet-host = summary (nixos {
    modules = [
      m.default
      fleetHost
    ];
  });

  # ... with networking.hostName = "" (NixOS: the name comes from DHCP).
  fleet-host-dhcp-name = summary (nixos {
    modules = [
      m.default
      fleetHost
      { networking.hostName = lib.mkForce ""; }
    ];
  });

  # Every part on one host, through nixosModules.default.
  every-part = summary (nixos {
    modules = [
      m.default
      fleetHost
      reconciler
      irisd
      { ogygia.report.enable = true; }
    ];
  });

  # Each part's own module, alone.
  ogygia-only = summary (nixos {
    modules = [
      m.ogygia
      { ogygia.enable = true; }
    ];
  });

  ogygia-zookeeper = summary (nixos {
    modules = [
      m.ogygia
      {
        system.configurationRevision = revision;
        ogygia = {
          enable = true;
          zookeeper = {
            enable = true;
            endpoints = [
              "zk1.internal:2181"
              "zk2.internal:2181"
            ];
          };
          reconciler.url = "http://reconciler.internal:35740";
        };
      }
    ];
  });

  # Only ogygia.settings, with a table of another tool's.
  ogygia-settings-only = summary (nixos {
    modules = [
      m.ogygia
      {
        ogygia.enable = true;
        ogygia.settings.dashboard.theme = "dark";
      }
    ];
  });

  agent-only = summary (nixos {
    modules = [
      m.agent
      fleetHost
    ];
  });

  reconciler-only = summary (nixos {
    modules = [
      m.reconciler
      reconciler
    ];
  });

  # A local source on a privileged port.
  reconciler-local-port-80 = summary (nixos {
    modules = [
      m.reconciler
      {
        ogygia.reconciler = {
          enable = true;
          openFirewall = true;
          settings = {
            source = "/srv/git/channels.git";
            listen = "[::]:80";
            trust.keys = keys;
          };
        };
      }
    ];
  });

  irisd-only = summary (nixos {
    modules = [
      m.irisd
      irisd
      # an operator's own choice wins over the module's default
      { nix.settings.narinfo-cache-negative-ttl = 10; }
    ];
  });

  # NARs to Nix clients compressed with zstd.
  irisd-zstd = summary (nixos {
    modules = [
      m.irisd
      irisd
      { ogygia.irisd.settings.cache.compression = "zstd"; }
    ];
  });

  refuse-irisd-compression = summary (nixos {
    modules = [
      m.irisd
      irisd
      { ogygia.irisd.settings.cache.compression = "xz"; }
    ];
  });

  # Listening on the Nebula address only.
  irisd-nebula-only = summary (nixos {
    modules = [
      m.irisd
      irisd
      { ogygia.irisd.settings.server.listen = [ ]; }
    ];
  });

  report-only = summary (nixos {
    modules = [
      m.report
      reportHost
    ];
  });

  report-zookeeper = summary (nixos {
    modules = [
      m.report
      {
        ogygia = {
          enable = true;
          zookeeper = {
            enable = true;
            endpoints = [ "zk1.internal:2181" ];
            authFile = "/run/secrets/ogygia-zookeeper-auth";
          };
          report.enable = true;
          report.interval = null;
        };
      }
    ];
  });

  # Two part modules imported side by side: the flake's package default is
  # defined once (a keyed module), not twice.
  agent-and-irisd-modules = summary (nixos {
    modules = [
      m.agent
      m.irisd
      fleetHost
      irisd
    ];
  });

  # The module files imported directly, without the flake: ogygia.package
  # defaults to nix/package.nix called from pkgs.
  without-flake = summary (nixos {
    modules = [
      ../../modules
      fleetHost
    ];
  });

  # Cross-compiled (the build platform cannot run the host's programs): the
  # configs are used unchecked.
  cross = summary (nixos {
    pkgs = pkgsFor {
      hostSystem = "aarch64-linux";
      buildSystem = "x86_64-linux";
    };
    modules = [
      m.default
      fleetHost
    ];
  });

  # Each assertion the modules declare, made to fail on its own.
  assert-zookeeper-endpoints = assertionsOf (nixos {
    modules = [
      m.ogygia
      {
        ogygia.enable = true;
        ogygia.zookeeper.enable = true;
      }
    ];
  });

  assert-etcd-password-in-store = assertionsOf (nixos {
    modules = [
      m.ogygia
      {
        ogygia.enable = true;
        ogygia.etcd.endpoints = [ "https://etcd1.internal:2379" ];
        ogygia.etcd.passwordFile = "/nix/store/00000000000000000000000000000000-etcd-password";
      }
    ];
  });

  assert-etcd-key-in-store = assertionsOf (nixos {
    modules = [
      m.ogygia
      {
        ogygia.enable = true;
        ogygia.etcd.endpoints = [ "https://etcd1.internal:2379" ];
        ogygia.etcd.certFile = "/run/secrets/ogygia-etcd-cert.pem";
        ogygia.etcd.keyFile = "/nix/store/00000000000000000000000000000000-etcd-key.pem";
      }
    ];
  });

  assert-zookeeper-auth-in-store = assertionsOf (nixos {
    modules = [
      m.ogygia
      {
        ogygia.enable = true;
        ogygia.zookeeper.enable = true;
        ogygia.zookeeper.endpoints = [ "zk1.internal:2181" ];
        ogygia.zookeeper.authFile = "/nix/store/00000000000000000000000000000000-zookeeper-auth";
      }
    ];
  });

  assert-agent-threshold = assertionsOf (nixos {
    modules = [
      m.agent
      agent
      { ogygia.agent.settings.trust.threshold = 3; }
    ];
  });

  assert-report-store = assertionsOf (nixos {
    modules = [
      m.report
      {
        ogygia.enable = true;
        ogygia.report.enable = true;
      }
    ];
  });

  assert-reconciler-threshold = assertionsOf (nixos {
    modules = [
      m.reconciler
      {
        ogygia.reconciler = {
          enable = true;
          settings = {
            source = "https://git.example.com/ops/channels.git";
            trust.keys = [ (builtins.head keys) ];
            trust.threshold = 2;
          };
        };
      }
    ];
  });

  assert-agent-token-in-store = assertionsOf (nixos {
    modules = [
      m.agent
      agent
      { ogygia.agent.reportTokenFile = inStore "report-token"; }
    ];
  });

  assert-reconciler-webhook-in-store = assertionsOf (nixos {
    modules = [
      m.reconciler
      (reconcilerWith { webhookSecretFile = inStore "webhook"; })
    ];
  });

  assert-reconciler-report-token-in-store = assertionsOf (nixos {
    modules = [
      m.reconciler
      (reconcilerWith {
        reportTokenFiles = [
          "/run/secrets/ogygia-report-token"
          (inStore "report-token-old")
        ];
      })
    ];
  });

  assert-reconciler-etcd-password-in-store = assertionsOf (nixos {
    modules = [
      m.reconciler
      (reconcilerWith { etcd.passwordFile = inStore "etcd-password"; })
    ];
  });

  assert-reconciler-etcd-key-in-store = assertionsOf (nixos {
    modules = [
      m.reconciler
      (reconcilerWith {
        etcd.certFile = "/run/secrets/etcd-cert.pem";
        etcd.keyFile = inStore "etcd-key.pem";
      })
    ];
  });

  assert-irisd-key-in-store = assertionsOf (nixos {
    modules = [
      m.irisd
      {
        ogygia.irisd.enable = true;
        ogygia.irisd.signingKeyFile = inStore "irisd-sign-key";
      }
    ];
  });

  # A secret given as a Nix path literal (which would copy it into the
  # store) is refused by the option's type: this case does not evaluate.
  # Reboots (DESIGN.md §13): when-required in a window that wraps midnight.
  agent-reboot-window = summary (nixos {
    modules = [
      m.agent
      agent
      {
        ogygia.agent.settings.reboot = {
          policy = "when-required";
          window = "23:30-01:15";
        };
      }
    ];
  });

  # A window the agent would refuse is refused by the option type already.
  refuse-reboot-window = summary (nixos {
    modules = [
      m.agent
      agent
      { ogygia.agent.settings.reboot.window = "2am-4am"; }
    ];
  });

  refuse-secret-path-literal = assertionsOf (nixos {
    modules = [
      m.agent
      agent
      { ogygia.agent.reportTokenFile = ./cases.nix; }
    ];
  });

  assert-irisd-listen = assertionsOf (nixos {
    modules = [
      m.irisd
      { ogygia.irisd.enable = true; }
      { ogygia.irisd.settings.server.listen = [ ]; }
    ];
  });
}
