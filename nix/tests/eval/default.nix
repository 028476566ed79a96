# Test-only: evaluate the Ogygia NixOS modules with the real module system
# (nixpkgs' lib.evalModules), as `nixosModules.*` export them from flake.nix,
# against the NixOS options they use (./nixos.nix) and a `pkgs` stand-in
# (./pkgs.nix). nixpkgs itself is not needed, only its `lib/` directory:
#
#   nix-instantiate --eval --strict --json --read-write-mode nix/tests/eval \
#     --argstr nixpkgsLib /path/to/nixpkgs/lib -A <case>
#
# Each attribute of ./cases.nix is one configuration, evaluated to plain data
# (derivations as their store paths) that test/nixos/modules.nixos.ts checks.
# --read-write-mode lets formats.toml's stand-in write the generated configs
# to the store, where they are read back.
{ nixpkgsLib }:
let
  lib = import nixpkgsLib;
  inherit (lib) filterAttrs hasPrefix mapAttrs;

  pkgsFor = args: import ./pkgs.nix ({ inherit lib; } // args);

  systems = [
    "x86_64-linux"
    "aarch64-linux"
  ];

  # flake.nix's outputs, with a `nixpkgs` input that is the lib and the stand-in.
  flake = (import ../../../flake.nix).outputs {
    self = flake;
    nixpkgs = {
      inherit lib;
      legacyPackages = lib.genAttrs systems (system: pkgsFor { hostSystem = system; });
    };
  };

  # A NixOS system of these modules: lib.evalModules with the NixOS options
  # the modules use, `pkgs` as NixOS passes it, and _module.check on (a
  # definition of an option nobody declares is an error, as in NixOS).
  nixos =
    {
      modules,
      pkgs ? pkgsFor { },
    }:
    (lib.evalModules {
      modules = [
        ./nixos.nix
        { _module.args.pkgs = pkgs; }
      ]
      ++ modules;
    }).config;

  # Derivations become their store paths; everything else stays as it is.
  plain =
    v:
    if lib.isDerivation v then
      "${v}"
    else if builtins.isAttrs v then
      mapAttrs (_: plain) v
    else if builtins.isList v then
      map plain v
    else if builtins.isFunction v then
      "<function>"
    else
      v;

  ours = filterAttrs (name: _: hasPrefix "ogygia" name);

  failedAssertions = config: map (a: a.message) (builtins.filter (a: !a.assertion) config.assertions);

  # A generated config: the file the unit names, the unchecked file the
  # build-time check reads (the same file when the check is skipped), the
  # check's build script, and the TOML read back from the store.
  generated =
    file:
    let
      unchecked = file.unchecked or file;
      text = builtins.readFile unchecked;
    in
    {
      path = "${file}";
      unchecked = "${unchecked}";
      checkScript = file.buildCommand or null;
      inherit text;
      toml = builtins.fromTOML text;
    };

  package = p: {
    path = "${p}";
    inherit (p) name;
    exe = lib.getExe p;
  };

  # What NixOS would make of the configuration: units, timers, firewall,
  # nix.conf settings, installed packages, activation snippets and the
  # generated configs. Assertions and warnings are listed, not thrown, so a
  # test can check that none fail here and that each fails where it should.
  summary =
    config:
    plain {
      failedAssertions = failedAssertions config;
      assertionCount = builtins.length config.assertions;
      inherit (config) warnings;
      hostName = config.networking.hostName;
      package = package config.ogygia.package;
      services = mapAttrs (_: s: {
        inherit (s)
          wantedBy
          requiredBy
          restartIfChanged
          stopIfChanged
          startAt
          path
          environment
          serviceConfig
          unitConfig
          ;
      }) (ours config.systemd.services);
      timers = ours config.systemd.timers;
      firewall = {
        inherit (config.networking.firewall) allowedTCPPorts allowedUDPPorts;
      };
      nixSettings = config.nix.settings;
      systemPackages = map (p: {
        inherit (p) name;
        path = "${p}";
        text = p.text or null;
        destination = p.destination or null;
        buildCommand = p.buildCommand or null;
      }) config.environment.systemPackages;
      inherit (config.environment) pathsToLink;
      activationScripts = ours config.system.activationScripts;
      generated = mapAttrs (_: generated) (ours config.system.build);
    };

  # Only the assertions, as NixOS checks them before it builds anything.
  assertionsOf = config: {
    failedAssertions = failedAssertions config;
    inherit (config) warnings;
  };
in
import ./cases.nix {
  inherit
    lib
    flake
    nixos
    pkgsFor
    summary
    assertionsOf
    ;
}
