# Test-only: the NixOS options the Ogygia modules set or read, declared with
# the types NixOS gives them (the nixpkgs file each comes from is named
# beside it), so lib.evalModules type-checks every definition the modules
# make and refuses an option NixOS does not have ("The option `...' does not
# exist"). Only what the modules and their tests use: the modules define no
# users or groups (DynamicUser, or root for the agent).
#
# Where NixOS derives one option from others, and the result is what ends up
# in the unit, this does the same: a service's description, ordering and
# start limits become its [Unit] section (unitConfig), `script` becomes
# ExecStart, `startAt` becomes a timer; nix.settings gets NixOS' own
# substituter and key for cache.nixos.org.
{
  config,
  lib,
  pkgs,
  ...
}:
let
  inherit (lib) mkOption types;

  # nixos/lib/systemd-unit-options.nix: a directive's value; list definitions
  # concatenate (repeatable directives), others must agree.
  unitOption = lib.mkOptionType {
    name = "systemd option";
    merge =
      loc: defs:
      let
        defs' = lib.filterOverrides defs;
      in
      if lib.any (d: lib.isList d.value) defs' then
        lib.concatMap (d: lib.toList d.value) defs'
      else
        lib.mergeEqualOption loc defs';
  };

  # ... and what NixOS refuses in [Service] (checkService).
  valueOneOf = name: allowed: attrs: !(attrs ? ${name}) || lib.elem attrs.${name} allowed;
  checkService =
    attrs:
    valueOneOf "Type" [
      "exec"
      "simple"
      "forking"
      "oneshot"
      "dbus"
      "notify"
      "notify-reload"
      "idle"
    ] attrs
    && valueOneOf "Restart" [
      "no"
      "on-success"
      "on-failure"
      "on-abnormal"
      "on-abort"
      "on-watchdog"
      "always"
    ] attrs;

  units = mkOption {
    type = types.listOf types.str;
    default = [ ];
  };

  # nixos/lib/systemd-unit-options.nix (stage2ServiceOptions) and
  # nixos/lib/systemd-lib.nix (unitConfig, serviceConfig).
  service =
    {
      name,
      config,
      options,
      ...
    }:
    {
      options = {
        enable = mkOption {
          type = types.bool;
          default = true;
        };
        description = mkOption {
          type = types.singleLineStr;
          default = "";
        };
        documentation = mkOption {
          type = types.listOf types.str;
          default = [ ];
        };
        wantedBy = units;
        requiredBy = units;
        wants = units;
        requires = units;
        after = units;
        before = units;
        bindsTo = units;
        partOf = units;
        conflicts = units;
        unitConfig = mkOption {
          type = types.attrsOf unitOption;
          default = { };
        };
        serviceConfig = mkOption {
          type = types.addCheck (types.attrsOf unitOption) checkService;
          default = { };
        };
        environment = mkOption {
          type = types.attrsOf (
            types.nullOr (
              types.oneOf [
                types.str
                types.path
                types.package
              ]
            )
          );
          default = { };
        };
        path = mkOption {
          type = types.listOf (
            types.oneOf [
              types.package
              types.str
            ]
          );
          default = [ ];
        };
        script = mkOption {
          type = types.lines;
          default = "";
        };
        scriptArgs = mkOption {
          type = types.str;
          default = "";
        };
        preStart = mkOption {
          type = types.lines;
          default = "";
        };
        restartTriggers = mkOption {
          type = types.listOf types.unspecified;
          default = [ ];
        };
        restartIfChanged = mkOption {
          type = types.bool;
          default = true;
        };
        reloadIfChanged = mkOption {
          type = types.bool;
          default = false;
        };
        stopIfChanged = mkOption {
          type = types.bool;
          default = true;
        };
        startAt = mkOption {
          type = types.either types.str (types.listOf types.str);
          default = [ ];
          apply = lib.toList;
        };
        startLimitBurst = mkOption { type = types.int; };
        startLimitIntervalSec = mkOption { type = types.int; };
      };

      config = {
        unitConfig =
          let
            list = directive: value: lib.optionalAttrs (value != [ ]) { ${directive} = toString value; };
          in
          list "Requires" config.requires
          // list "Wants" config.wants
          // list "After" config.after
          // list "Before" config.before
          // list "BindsTo" config.bindsTo
          // list "PartOf" config.partOf
          // list "Conflicts" config.conflicts
          // list "Documentation" config.documentation
          // lib.optionalAttrs (config.description != "") { Description = config.description; }
          // lib.optionalAttrs options.startLimitIntervalSec.isDefined {
            StartLimitIntervalSec = toString config.startLimitIntervalSec;
          }
          // lib.optionalAttrs options.startLimitBurst.isDefined {
            StartLimitBurst = toString config.startLimitBurst;
          };
        serviceConfig = lib.mkMerge [
          (lib.mkIf (config.script != "") {
            ExecStart = "${pkgs.writeShellScript "${name}-start" config.script} ${config.scriptArgs}";
          })
          (lib.mkIf (config.preStart != "") {
            ExecStartPre = [ "${pkgs.writeShellScript "${name}-pre-start" config.preStart}" ];
          })
        ];
      };
    };

  timer = {
    options = {
      wantedBy = units;
      timerConfig = mkOption {
        type = types.attrsOf unitOption;
        default = { };
      };
    };
  };

  # nixos/modules/services/networking/firewall.nix
  ports = mkOption {
    type = types.listOf types.port;
    default = [ ];
    apply = ports: lib.unique (builtins.sort builtins.lessThan ports);
  };

  # nixos/modules/config/nix.nix
  nixConfAtom =
    types.nullOr (
      types.oneOf [
        types.bool
        types.int
        types.float
        types.str
        types.path
        types.package
      ]
    )
    // {
      description = "Nix config atom (null, bool, int, float, str, path or package)";
    };
  strings = mkOption { type = types.listOf types.str; };
in
{
  options = {
    # nixos/modules/misc/assertions.nix
    assertions = mkOption {
      type = types.listOf types.unspecified;
      default = [ ];
    };
    warnings = mkOption {
      type = types.listOf types.str;
      default = [ ];
    };

    # nixos/modules/tasks/network-interfaces.nix
    networking.hostName = mkOption {
      type = types.strMatching "^$|^[[:alnum:]]([[:alnum:]_-]{0,61}[[:alnum:]])?$";
      default = "nixos";
    };

    networking.firewall = {
      enable = mkOption {
        type = types.bool;
        default = true;
      };
      allowedTCPPorts = ports;
      allowedUDPPorts = ports;
      interfaces = mkOption {
        type = types.attrsOf (
          types.submodule {
            options = {
              allowedTCPPorts = ports;
              allowedUDPPorts = ports;
            };
          }
        );
        default = { };
      };
    };

    nix = {
      enable = mkOption {
        type = types.bool;
        default = true;
      };
      package = mkOption {
        type = types.package;
        default = pkgs.nix;
      };
      settings = mkOption {
        type = types.submodule {
          freeformType = types.attrsOf (types.either nixConfAtom (types.listOf nixConfAtom));
          options = {
            substituters = strings;
            trusted-substituters = strings // {
              default = [ ];
            };
            trusted-public-keys = strings;
            trusted-users = strings;
            require-sigs = mkOption {
              type = types.bool;
              default = true;
            };
          };
        };
        default = { };
      };
    };

    # nixos/modules/system/boot/systemd.nix
    systemd = {
      package = mkOption {
        type = types.package;
        default = pkgs.systemd;
      };
      services = mkOption {
        type = types.attrsOf (types.submodule service);
        default = { };
      };
      timers = mkOption {
        type = types.attrsOf (types.submodule timer);
        default = { };
      };
    };

    # nixos/modules/config/system-path.nix
    environment.systemPackages = mkOption {
      type = types.listOf types.package;
      default = [ ];
    };
    environment.pathsToLink = mkOption {
      type = types.listOf types.str;
      default = [ ];
    };

    # nixos/modules/system/etc/etc.nix
    environment.etc = mkOption {
      type = types.attrsOf (
        types.submodule (
          { name, config, ... }:
          {
            options = {
              enable = mkOption {
                type = types.bool;
                default = true;
              };
              target = mkOption {
                type = types.str;
                default = name;
              };
              text = mkOption {
                type = types.nullOr types.lines;
                default = null;
              };
              source = mkOption { type = types.path; };
              mode = mkOption {
                type = types.str;
                default = "symlink";
              };
              user = mkOption {
                type = types.str;
                default = "+0";
              };
              group = mkOption {
                type = types.str;
                default = "+0";
              };
            };
            config.source = lib.mkIf (config.text != null) (
              lib.mkDefault (pkgs.writeText "etc-${baseNameOf name}" config.text)
            );
          }
        )
      );
      default = { };
    };

    # nixos/modules/system/activation/top-level.nix
    system.build = mkOption {
      type = types.submoduleWith {
        modules = [ { freeformType = types.lazyAttrsOf (types.uniq types.unspecified); } ];
      };
      default = { };
    };
    system.configurationRevision = mkOption {
      type = types.nullOr types.str;
      default = null;
    };

    # nixos/modules/system/activation/activation-script.nix
    system.activationScripts = mkOption {
      type = types.attrsOf (
        types.either types.str (
          types.submodule {
            options = {
              deps = mkOption {
                type = types.listOf types.str;
                default = [ ];
              };
              text = mkOption { type = types.lines; };
              supportsDryActivation = mkOption {
                type = types.bool;
                default = false;
              };
            };
          }
        )
      );
      default = { };
    };
  };

  config = {
    # nixos/modules/system/boot/systemd.nix: a timer for each service with startAt
    systemd.timers = lib.mapAttrs (_: service: {
      wantedBy = [ "timers.target" ];
      timerConfig.OnCalendar = service.startAt;
    }) (lib.filterAttrs (_: service: service.enable && service.startAt != [ ]) config.systemd.services);

    # nixos/modules/config/nix.nix
    nix.settings = lib.mkIf config.nix.enable {
      substituters = lib.mkAfter [ "https://cache.nixos.org/" ];
      trusted-public-keys = [ "cache.nixos.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY=" ];
      trusted-users = [ "root" ];
    };
  };
}
