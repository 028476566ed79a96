{
  config,
  lib,
  pkgs,
  ...
}:
let
  cfg = config.ogygia.reconciler;
  unit = "ogygia-reconciler";
  olib = import ../lib.nix { inherit lib pkgs; };
  port = olib.portOf cfg.settings.listen;

  settings = import ./settings.nix {
    inherit lib cfg;
    inherit (olib) credentialPath;
  };

  configFile = olib.checkedConfig {
    name = "ogygia-reconciler.toml";
    package = cfg.package;
    command = [ "reconciler" ];
    inherit settings;
  };

  credentials =
    lib.optional (cfg.webhookSecretFile != null) "webhook:${cfg.webhookSecretFile}"
    ++ lib.imap0 (i: f: "report-token-${toString i}:${f}") cfg.reportTokenFiles
    ++ lib.optional (cfg.etcd.passwordFile != null) "etcd-password:${cfg.etcd.passwordFile}"
    ++ lib.optional (cfg.etcd.caFile != null) "etcd-ca:${cfg.etcd.caFile}"
    ++ lib.optional (cfg.etcd.certFile != null) "etcd-cert:${cfg.etcd.certFile}"
    ++ lib.optional (cfg.etcd.keyFile != null) "etcd-key:${cfg.etcd.keyFile}";

  localSource = lib.hasPrefix "/" cfg.settings.source;
in
{
  config = lib.mkIf cfg.enable {
    assertions = [
      {
        assertion = cfg.settings.trust.threshold <= lib.length cfg.settings.trust.keys;
        message = "ogygia.reconciler.settings.trust.threshold is ${toString cfg.settings.trust.threshold} but only ${toString (lib.length cfg.settings.trust.keys)} key(s) are in ogygia.reconciler.settings.trust.keys.";
      }
    ]
    ++ olib.secretsOutsideStore [
      {
        name = "ogygia.reconciler.webhookSecretFile";
        file = cfg.webhookSecretFile;
      }
      {
        name = "ogygia.reconciler.reportTokenFiles";
        file = cfg.reportTokenFiles;
      }
      {
        name = "ogygia.reconciler.etcd.passwordFile";
        file = cfg.etcd.passwordFile;
      }
      {
        name = "ogygia.reconciler.etcd.keyFile";
        file = cfg.etcd.keyFile;
      }
    ];

    systemd.services.${unit} = {
      description = "Ogygia reconciler: serve signed channel heads to the fleet";
      wantedBy = [ "multi-user.target" ];
      wants = [ "network-online.target" ];
      after = [ "network-online.target" ];
      path = [ pkgs.git ];
      serviceConfig = olib.hardening // {
        ExecStart = "${lib.getExe cfg.package} reconciler --config ${configFile}";
        Restart = "on-failure";
        RestartSec = "5s";
        StateDirectory = unit;
        StateDirectoryMode = "0700";
        LoadCredential = credentials;
        # A local source is read (never written) by the dynamic user.
        BindReadOnlyPaths = lib.optional localSource "-${cfg.settings.source}";
      } // lib.optionalAttrs (port < 1024) {
        CapabilityBoundingSet = "CAP_NET_BIND_SERVICE";
        AmbientCapabilities = "CAP_NET_BIND_SERVICE";
        PrivateUsers = false;
      };
    };

    networking.firewall.allowedTCPPorts = lib.mkIf cfg.openFirewall [ port ];

    system.build.ogygiaReconcilerConfig = configFile;
  };
}
