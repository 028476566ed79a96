# The agent runs as root (it switches the system) and must outlive the
# switch-to-configuration it starts: restartIfChanged = false and
# X-StopOnRemoval = false, like system.autoUpgrade's nixos-upgrade.service.
# It picks up a new version of itself when it restarts (Restart=always).
{
  config,
  lib,
  pkgs,
  ...
}:
let
  cfg = config.ogygia.agent;
  unit = "ogygia-agent";
  olib = import ../lib.nix { inherit lib pkgs; };

  settings = import ./settings.nix {
    inherit lib;
    inherit (olib) credentialPath;
    inherit cfg;
    base = config.ogygia;
  };

  configFile = olib.checkedConfig {
    name = "ogygia-agent.toml";
    package = cfg.package;
    command = [ "agent" ];
    inherit settings;
  };
in
{
  config = lib.mkIf cfg.enable {
    assertions = [
      {
        assertion = cfg.settings.trust.threshold <= lib.length cfg.settings.trust.keys;
        message = "ogygia.agent.settings.trust.threshold is ${toString cfg.settings.trust.threshold} but only ${toString (lib.length cfg.settings.trust.keys)} key(s) are in ogygia.agent.settings.trust.keys.";
      }
    ]
    ++ olib.secretsOutsideStore [
      {
        name = "ogygia.agent.reportTokenFile";
        file = cfg.reportTokenFile;
      }
    ];

    systemd.services.${unit} = {
      description = "Ogygia agent: apply signed NixOS releases";
      wantedBy = [ "multi-user.target" ];
      wants = [ "network-online.target" ];
      after = [ "network-online.target" ];
      restartIfChanged = false;
      stopIfChanged = false;
      unitConfig.X-StopOnRemoval = false;
      # nix copy / nix-env, systemctl for the default health command, sh.
      path = [
        config.nix.package
        config.systemd.package
        pkgs.bash
        pkgs.coreutils
      ];
      environment.OGYGIA_ROOT = "/";
      serviceConfig = {
        ExecStart = "${lib.getExe cfg.package} agent --config ${configFile}";
        Restart = "always";
        RestartSec = "10s";
        StateDirectory = unit;
        StateDirectoryMode = "0700";
        UMask = "0077";
        # SIGTERM goes to the agent only, so it can let a switch in flight
        # (its child) finish before it exits; state on disk covers the rest.
        KillMode = "mixed";
        TimeoutStopSec = "5min";
        LoadCredential =
          lib.optional (cfg.reportTokenFile != null) "report-token:${cfg.reportTokenFile}"
          ++ import ../ogygia/credentials.nix { base = config.ogygia; };
      };
    };

    system.build.ogygiaAgentConfig = configFile;
  };
}
