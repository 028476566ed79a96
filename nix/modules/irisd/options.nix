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
  options.ogygia.irisd = {
    enable = mkEnableOption ''
      ogygia-irisd, a peer-to-peer Nix binary cache for the local store and
      its peers (default port 35742). Run it on a private overlay network
      (Nebula, Tailscale, WireGuard): peers are not authenticated'';

    package = mkOption {
      type = types.package;
      default = config.ogygia.package;
      defaultText = literalExpression "config.ogygia.package";
      description = "The Ogygia package providing `ogygia irisd`.";
    };

    configureNixDaemon = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Use the local irisd as a substituter of the Nix daemon: adds it to
        `nix.settings.substituters`, adds `settings.trust.trusted_keys` to
        `nix.settings.trusted-public-keys`, and lowers
        `nix.settings.narinfo-cache-negative-ttl` to
        `settings.peers.refresh_seconds`, so a path a peer gains is found
        within one filter refresh (no false negatives outside bounded TTLs).
      '';
    };

    openFirewall = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Open the ports of `settings.server.listen` on every interface. Prefer
        `networking.firewall.interfaces.<overlay>.allowedTCPPorts` so irisd is
        reachable on the overlay network only.
      '';
    };

    signingKeyFile = mkOption {
      # A string, never a Nix path: a path literal would copy the key into the store.
      type = types.nullOr types.str;
      default = null;
      example = "/run/secrets/irisd-sign-key";
      description = ''
        Nix secret key (`nix key generate-secret`) for `ogygia iris push --sign`.
        Passed with systemd `LoadCredential` and named in `[signing] key_file`.
      '';
    };

    settings = mkOption {
      description = ''
        `irisd.toml` (see DESIGN.md §8), rendered with `pkgs.formats.toml` and
        checked at build time with `ogygia irisd --check-config`. When
        `ogygia.nebula.ipv4` is set, `<nebula ip>:<port>` is added to
        `server.listen`.
      '';
      default = { };
      example = literalExpression ''
        {
          server.listen = [ "10.0.0.1:35742" ];
          peers.urls = [ "http://10.0.0.2:35742" "http://10.0.0.3:35742" ];
          trust.trusted_keys = [ "cache.example.com-1:abc123..." ];
        }
      '';
      type = types.submodule {
        freeformType = tomlFormat.type;
        options = {
          server.listen = mkOption {
            type = types.listOf types.str;
            default = [ "127.0.0.1:35742" ];
            description = "`host:port` addresses to listen on.";
          };
          store.root = mkOption {
            type = types.str;
            default = "/";
            description = "Root of the Nix store served (`local?root=`); `/` is the system store.";
          };
          peers = {
            urls = mkOption {
              type = types.listOf types.str;
              default = [ ];
              description = "Base URLs of the other irisd peers.";
            };
            refresh_seconds = mkOption {
              type = types.ints.positive;
              default = 30;
              description = "Seconds between fetches of each peer's bloom filter.";
            };
            timeout_ms = mkOption {
              type = types.ints.positive;
              default = 1500;
              description = "A peer slower than this is treated as a miss (404), never a hang.";
            };
          };
          trust.trusted_keys = mkOption {
            type = types.listOf types.str;
            default = [ ];
            description = "Nix public keys a peer's narinfo must be signed by before irisd offers the path.";
          };
          cache.dir = mkOption {
            type = types.str;
            default = "/var/cache/ogygia-irisd";
            readOnly = true;
            description = "NARs fetched from peers (systemd `CacheDirectory`).";
          };
          cache.compression = mkOption {
            type = types.enum [
              "none"
              "zstd"
            ];
            default = "none";
            description = ''
              How irisd sends NARs to Nix clients: `zstd` compresses them
              (narinfo `Compression: zstd`, at ratio ~2 for binaries and text,
              for about 3 ms of CPU per MiB at level 3; see docs/irisd.md).
              Between irisd peers NARs always go uncompressed.
            '';
          };
          cache.compression_level = mkOption {
            type = types.ints.between 1 19;
            default = 3;
            description = "zstd level (1 fastest, 19 smallest) when `cache.compression` is `zstd`.";
          };
        };
      };
    };
  };
}
