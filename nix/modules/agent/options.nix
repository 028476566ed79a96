{
  config,
  lib,
  pkgs,
  ...
}:
let
  inherit (lib) mkOption mkEnableOption types literalExpression;
  tomlFormat = pkgs.formats.toml { };
in
{
  options.ogygia.agent = {
    enable = mkEnableOption ''
      the Ogygia agent: it follows one channel, verifies each signed release
      against the pinned keys, applies it with Nix, runs the health command
      and rolls back on failure. It runs as root'';

    package = mkOption {
      type = types.package;
      default = config.ogygia.package;
      defaultText = literalExpression "config.ogygia.package";
      description = "The Ogygia package providing `ogygia agent`.";
    };

    reportTokenFile = mkOption {
      # A string, never a Nix path: a path literal would copy the secret into the store.
      type = types.nullOr types.str;
      default = null;
      example = "/run/secrets/ogygia-report-token";
      description = ''
        File holding the bearer token for reports to the reconciler. Passed
        with systemd `LoadCredential` (never copied to the Nix store) and
        named in `[report] token_file`.
      '';
    };

    settings = mkOption {
      description = ''
        `agent.toml` (see DESIGN.md §8), rendered with `pkgs.formats.toml` and
        checked at build time with `ogygia agent --check-config`. Any key the
        agent understands may be set; the ones below are typed.
        `[etcd]` / `[zookeeper]` default to `ogygia.etcd` / `ogygia.zookeeper`,
        so the agent publishes where `ogygia status` reads.
      '';
      default = { };
      example = literalExpression ''
        {
          channel = "prod";
          source = "http://reconciler.internal:35740";
          trust.keys = [ "ops-1:BASE64PUB" "ops-2:BASE64PUB" ];
          trust.threshold = 2;
          health.command = "systemctl is-system-running --wait";
        }
      '';
      type = types.submodule {
        freeformType = tomlFormat.type;
        options = {
          host = mkOption {
            type = types.nullOr types.str;
            # NixOS' empty host name means "take it from DHCP": detect it then.
            default = if config.networking.hostName == "" then null else config.networking.hostName;
            defaultText = literalExpression ''if config.networking.hostName == "" then null else config.networking.hostName'';
            description = ''
              The name this host has everywhere: in release `targets` (compared ignoring
              case; a target that only looks like it, such as the FQDN or short name,
              is refused rather than defaulted to `"*"`), reports and fleet keys.
              null (the default when `networking.hostName` is empty, i.e. set by DHCP):
              detected like `ogygia status` does (`hostname -f` first).
            '';
          };
          channel = mkOption {
            type = types.str;
            example = "prod";
            description = "The channel this host follows.";
          };
          source = mkOption {
            type = types.str;
            example = "http://reconciler.internal:35740";
            description = "Reconciler URL, `git+https://.../git/channels.git`, or a local channels repository path.";
          };
          poll_interval_seconds = mkOption {
            type = types.ints.positive;
            default = 60;
            description = "Seconds between polls (the reconciler source also long-polls).";
          };
          state_dir = mkOption {
            type = types.str;
            default = "/var/lib/ogygia-agent";
            description = "Where the agent keeps its state (systemd `StateDirectory`).";
          };
          trust = {
            keys = mkOption {
              type = types.listOf types.str;
              example = [ "ops-1:BASE64PUB" ];
              description = "Pinned public keys (`NAME:BASE64`, Nix key format) that may sign releases.";
            };
            threshold = mkOption {
              type = types.ints.positive;
              default = 1;
              description = "How many distinct pinned keys must sign a release.";
            };
          };
          nix = {
            action = mkOption {
              type = types.enum [
                "switch"
                "boot"
                "test"
              ];
              default = "switch";
              description = "`switch-to-configuration` action used to apply a release.";
            };
            profile = mkOption {
              type = types.str;
              default = "/nix/var/nix/profiles/system";
              description = "System profile the agent sets.";
            };
            substituters = mkOption {
              type = types.listOf types.str;
              default = [ ];
              description = "Substituters for `nix copy` when the release names none.";
            };
          };
          reboot = {
            policy = mkOption {
              type = types.enum [
                "never"
                "when-required"
              ];
              default = "never";
              description = ''
                What to do when a release changes the kernel, initrd or kernel
                modules (it only takes effect after a reboot): `never` reports
                the host `reboot-required` and leaves the reboot to you;
                `when-required` reboots once, inside `window`, after the
                reconciler grants a reboot slot (a git source waits a random
                part of the window instead).
              '';
            };
            window = mkOption {
              # The agent checks the same form (agent/reboot/window.ts) with --check-config at build time.
              type = types.nullOr (types.strMatching "([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]");
              default = null;
              example = "23:00-01:30";
              description = "Local time `HH:MM-HH:MM` in which the agent may reboot; it may wrap midnight. null: any time.";
            };
            command = mkOption {
              type = types.str;
              default = "systemctl reboot";
              description = "Reboot command, run with `/bin/sh -c` (`OGYGIA_ROOT` in its environment); non-zero is reported as `RebootCommandError`.";
            };
          };
          health = {
            command = mkOption {
              type = types.str;
              default = "systemctl is-system-running --wait";
              description = "Health command run with `/bin/sh -c` after applying; non-zero rolls back.";
            };
            timeout_seconds = mkOption {
              type = types.ints.positive;
              default = 120;
              description = "The health command fails after this many seconds.";
            };
          };
        };
      };
    };
  };
}
