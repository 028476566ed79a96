{
  config,
  lib,
  pkgs,
  ...
}:
let
  cfg = config.ogygia.irisd;
  unit = "ogygia-irisd";
  olib = import ../lib.nix { inherit lib pkgs; };

  rendered = import ./settings.nix {
    inherit lib cfg;
    inherit (olib) credentialPath;
    nebulaIpv4 = config.ogygia.nebula.ipv4;
  };

  configFile = olib.checkedConfig {
    name = "ogygia-irisd.toml";
    package = cfg.package;
    command = [ "irisd" ];
    inherit (rendered) settings;
  };
in
{
  config = lib.mkIf cfg.enable (lib.mkMerge [
    {
      assertions = [
        {
          assertion = rendered.settings.server.listen != [ ];
          message = "ogygia.irisd.settings.server.listen is empty and ogygia.nebula.ipv4 is not set; irisd needs an address to listen on.";
        }
      ]
      ++ olib.secretsOutsideStore [
        {
          name = "ogygia.irisd.signingKeyFile";
          file = cfg.signingKeyFile;
        }
      ];

      systemd.services.${unit} = {
        description = "Ogygia irisd: peer-to-peer Nix binary cache";
        wantedBy = [ "multi-user.target" ];
        wants = [ "network-online.target" ];
        after = [
          "network-online.target"
          "nix-daemon.socket"
        ];
        path = [ config.nix.package ];
        # Non-root: talk to the store through the daemon.
        environment.NIX_REMOTE = "daemon";
        serviceConfig = olib.hardening // {
          ExecStart = "${lib.getExe cfg.package} irisd --config ${configFile}";
          Restart = "on-failure";
          RestartSec = "5s";
          CacheDirectory = unit;
          CacheDirectoryMode = "0700";
          LoadCredential = lib.optional (cfg.signingKeyFile != null) "sign-key:${cfg.signingKeyFile}";
        };
        # The Nebula address may not exist yet at boot: binding fails and
        # systemd retries every 5 s, without a start limit.
        startLimitIntervalSec = 0;
      };

      environment.systemPackages = [ cfg.package ];
      networking.firewall.allowedTCPPorts = lib.mkIf cfg.openFirewall rendered.ports;
      system.build.ogygiaIrisdConfig = configFile;
    }

    (lib.mkIf cfg.configureNixDaemon {
      nix.settings = {
        substituters = [ rendered.substituterUrl ];
        trusted-public-keys = cfg.settings.trust.trusted_keys;
        narinfo-cache-negative-ttl = lib.mkDefault cfg.settings.peers.refresh_seconds;
      };
    })
  ]);
}
