# Config of the base module: build-revision and config.toml, both linked into
# /run/current-system/sw/share/ogygia through environment.systemPackages and
# environment.pathsToLink.
{
  config,
  lib,
  pkgs,
  ...
}:
let
  cfg = config.ogygia;
  olib = import ../lib.nix { inherit lib pkgs; };
  settings = import ./settings.nix { inherit lib cfg; };

  statusConfig = olib.checkedConfig {
    name = "ogygia-config.toml";
    package = cfg.package;
    command = [ "status" ];
    inherit settings;
  };

  # No config.toml when nothing is configured: `ogygia status` then says
  # "Ogygia config not found; showing local data only.", as the README shows.
  # Keys of `settings` outside [ogygia] (tables other tools own) count too.
  hasConfig = olib.dropNulls settings != { ogygia = { }; };

  configDir = pkgs.runCommand "ogygia-config" { preferLocalBuild = true; } ''
    mkdir -p $out/share/ogygia
    cp ${statusConfig} $out/share/ogygia/config.toml
  '';

  revision =
    if config.system.configurationRevision != null then config.system.configurationRevision else "unknown";

  buildRevision = pkgs.writeTextDir "share/ogygia/build-revision" revision;
in
{
  config = lib.mkMerge [
    (lib.mkIf cfg.enable {
      assertions = [
        {
          assertion = !cfg.zookeeper.enable || cfg.zookeeper.endpoints != [ ];
          message = "ogygia.zookeeper.enable is set but ogygia.zookeeper.endpoints is empty; list at least one \"host:2181\".";
        }
      ]
      ++ olib.secretsOutsideStore [
        {
          name = "ogygia.etcd.passwordFile";
          file = cfg.etcd.passwordFile;
        }
        {
          name = "ogygia.etcd.keyFile";
          file = cfg.etcd.keyFile;
        }
        {
          name = "ogygia.zookeeper.authFile";
          file = cfg.zookeeper.authFile;
        }
      ];
      environment.systemPackages = [ cfg.package ] ++ lib.optional hasConfig configDir;
      environment.pathsToLink = [ "/share/ogygia" ];
      system.build.ogygiaConfig = statusConfig;
    })
    (lib.mkIf cfg.versions.build_revision.enable {
      environment.systemPackages = [ buildRevision ];
      environment.pathsToLink = [ "/share/ogygia" ];
    })
  ];
}
