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
  options.ogygia.reconciler = {
    enable = mkEnableOption ''
      the Ogygia reconciler: it mirrors the channels git repository, verifies
      every channel against its own pinned keys, serves channel heads to
      agents and collects their reports (HTTP, default port 35740)'';

    package = mkOption {
      type = types.package;
      default = config.ogygia.package;
      defaultText = literalExpression "config.ogygia.package";
      description = "The Ogygia package providing `ogygia reconciler`.";
    };

    openFirewall = mkOption {
      type = types.bool;
      default = false;
      description = "Open the TCP port of `settings.listen` in the firewall.";
    };

    # Secrets: strings, never Nix paths (a path literal would copy the secret
    # into the store).
    webhookSecretFile = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "/run/secrets/ogygia-webhook";
      description = ''
        File holding the push webhook's HMAC secret (`X-Hub-Signature-256`).
        Passed with systemd `LoadCredential` and named in `[webhook] secret_file`.
      '';
    };

    reportTokenFiles = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "/run/secrets/ogygia-report-token" ];
      description = ''
        Files each holding a bearer token agents may report with. Passed with
        systemd `LoadCredential` and named in `[reports] token_files`. Empty:
        reports are accepted without a token.
      '';
    };

    # Credentials of `settings.etcd` (its `username` goes in settings), each
    # passed with systemd `LoadCredential` and named in [etcd]. Strings, not
    # Nix paths, so the secrets never enter the store.
    etcd = {
      passwordFile = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "/run/secrets/ogygia-reconciler-etcd-password";
        description = ''
          File holding the etcd password of `settings.etcd.username`. Its role
          needs readwrite on `<namespace>/reconciler/` only (docs/reconciler.md).
        '';
      };
      caFile = mkOption {
        type = types.nullOr types.str;
        default = null;
        description = "PEM certificate of the CA that signed the etcd server certificates (https:// endpoints).";
      };
      certFile = mkOption {
        type = types.nullOr types.str;
        default = null;
        description = "PEM client certificate for etcd (with `keyFile`).";
      };
      keyFile = mkOption {
        type = types.nullOr types.str;
        default = null;
        description = "PEM private key of `certFile`.";
      };
    };

    settings = mkOption {
      description = ''
        `reconciler.toml` (see DESIGN.md §8), rendered with `pkgs.formats.toml`
        and checked at build time with `ogygia reconciler --check-config`.
        Any key the reconciler understands may be set; the ones below are typed.
      '';
      default = { };
      example = literalExpression ''
        {
          source = "https://git.example.com/ops/channels.git";
          listen = "0.0.0.0:35740";
          trust.keys = [ "ops-1:BASE64PUB" "ops-2:BASE64PUB" ];
          trust.channels.prod.threshold = 2;
        }
      '';
      type = types.submodule {
        freeformType = tomlFormat.type;
        options = {
          source = mkOption {
            type = types.str;
            example = "/srv/git/channels.git";
            description = "The channels repository: a local path (watched) or an https:// git remote (fetched).";
          };
          branch = mkOption {
            type = types.str;
            default = "main";
            description = "The branch whose channel files are served.";
          };
          listen = mkOption {
            type = types.str;
            default = "127.0.0.1:35740";
            example = "0.0.0.0:35740";
            description = "`host:port` the HTTP API listens on.";
          };
          state_dir = mkOption {
            type = types.str;
            default = "/var/lib/ogygia-reconciler";
            readOnly = true;
            description = "The mirror and report snapshots (systemd `StateDirectory`).";
          };
          poll_interval_seconds = mkOption {
            type = types.ints.positive;
            default = 60;
            description = "Seconds between fetches of a remote source (a webhook fetches at once).";
          };
          trust = {
            keys = mkOption {
              type = types.listOf types.str;
              description = "Public keys (`NAME:BASE64`) whose signatures count; never taken from the repository.";
            };
            threshold = mkOption {
              type = types.ints.positive;
              default = 1;
              description = "Distinct keys a release needs; per channel: `trust.channels.<name>.threshold`.";
            };
          };
        };
      };
    };
  };
}
