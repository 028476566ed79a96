# Options of the base module, named exactly as in the Ogygia README:
# ogygia.{enable, domain, etcd.*, zookeeper.*, versions.build_revision.enable,
# nebula.ipv4}, plus ogygia.package, ogygia.reconciler.url, ogygia.settings
# and the fleet store credentials (etcd.{username, passwordFile, caFile,
# certFile, keyFile}, zookeeper.authFile).
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
  options.ogygia = {
    enable = mkEnableOption ''
      Ogygia: embed the configuration revision in the system
      (`share/ogygia/build-revision`), install the `ogygia` CLI and write
      `/run/current-system/sw/share/ogygia/config.toml` for `ogygia status`
    '';

    package = mkOption {
      type = types.package;
      default = pkgs.callPackage ../../package.nix { };
      defaultText = literalExpression "ogygia.packages.\${pkgs.system}.ogygia";
      description = "The Ogygia package; every part (agent, reconciler, irisd, report) defaults to it.";
    };

    domain = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "example.com";
      description = "Base domain suffix trimmed from host names in the `ogygia status` table.";
    };

    etcd = {
      endpoints = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [
          "http://etcd1.internal:2379"
          "http://etcd2.internal:2379"
        ];
        description = ''
          etcd endpoints holding the fleet's revisions. When set, `ogygia status`
          shows every host (etcd is preferred over ZooKeeper), and the agent and
          `ogygia report` publish there.
        '';
      };
      namespace = mkOption {
        type = types.str;
        default = "/nixos/versions";
        description = "etcd key prefix: `<namespace>/<host>/{current,booted,nextboot}`.";
      };
      timeoutSeconds = mkOption {
        type = types.ints.positive;
        default = 10;
        description = "Connection timeout for etcd, in seconds.";
      };
      # Credentials (DESIGN.md §11). Paths as strings, never Nix paths: a
      # path literal would copy the secret into the world-readable store.
      username = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "web01";
        description = ''
          etcd user of this host (with `passwordFile`). Give it a role with
          readwrite on `<namespace>/<host>/` only (docs/status.md, "Fleet store
          credentials"), and read on `<namespace>/` if `ogygia status` on the
          host should list the fleet with it.
        '';
      };
      passwordFile = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "/run/secrets/ogygia-etcd-password";
        description = ''
          File holding the etcd password of `username`. The agent and
          `ogygia report` get it with systemd `LoadCredential`; `config.toml`
          names this path for `ogygia status`, which reads it as whoever runs
          it (root, or a group you give it).
        '';
      };
      caFile = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "/etc/ssl/etcd-ca.pem";
        description = "PEM certificate of the CA that signed the etcd server certificates (https:// endpoints).";
      };
      certFile = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "/run/secrets/ogygia-etcd-cert.pem";
        description = "PEM client certificate (with `keyFile`); under etcd's `--client-cert-auth` its CN is the etcd user.";
      };
      keyFile = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "/run/secrets/ogygia-etcd-key.pem";
        description = "PEM private key of `certFile`; passed like `passwordFile`.";
      };
    };

    zookeeper = {
      enable = mkEnableOption "fleet status from ZooKeeper (used when no etcd endpoints are set)";
      endpoints = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [
          "zk1.internal:2181"
          "zk2.internal:2181"
        ];
        description = "ZooKeeper endpoints as `host:port`.";
      };
      namespace = mkOption {
        type = types.str;
        default = "/nixos/versions";
        description = "ZooKeeper node prefix: `<namespace>/<host>/{current,booted,nextboot}`.";
      };
      timeoutSeconds = mkOption {
        type = types.ints.positive;
        default = 10;
        description = "Connection timeout for ZooKeeper, in seconds.";
      };
      authFile = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "/run/secrets/ogygia-zookeeper-auth";
        description = ''
          File holding this host's ZooKeeper digest credentials, one line
          `user:password`. The nodes the host creates are then writable by
          that user only and readable by anyone (docs/status.md, "Fleet store
          credentials"). Passed like `ogygia.etcd.passwordFile`.
        '';
      };
    };

    # Ours, beyond the README: `[ogygia.reconciler] url` in config.toml, the
    # last fleet source `ogygia status` tries (after etcd and ZooKeeper).
    reconciler.url = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "http://reconciler.internal:35740";
      description = "Reconciler URL `ogygia status` reads the fleet from (`GET /v1/hosts`) when neither etcd nor ZooKeeper is configured.";
    };

    settings = mkOption {
      type = tomlFormat.type;
      default = { };
      description = ''
        Extra keys merged into the generated `config.toml` (after the options
        above). Checked at build time with `ogygia status --check-config`.
      '';
    };

    versions.build_revision.enable = mkOption {
      type = types.bool;
      default = config.ogygia.enable;
      defaultText = literalExpression "config.ogygia.enable";
      description = ''
        Write `system.configurationRevision` (or `unknown` when it is unset,
        e.g. a dirty flake) to `/run/current-system/sw/share/ogygia/build-revision`.
      '';
    };

    nebula.ipv4 = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "10.42.0.1";
      description = "This host's Nebula overlay IPv4 address. irisd also listens on it when set.";
    };
  };
}
