# Test-only: a small stand-in for nixpkgs' `pkgs`, with exactly what the
# Ogygia modules, nix/package.nix and flake.nix call, so the modules evaluate
# with nixpkgs' `lib` alone (nix/tests/eval/default.nix).
#
# Packages and build helpers are real derivations (their store paths are
# computed by Nix from what they are given, so a changed config gives a
# changed path) that are evaluated, never built: building one fails with a
# message saying so. Their inputs stay readable as attributes (a runCommand's
# `buildCommand`, a writeTextDir's `text`). formats.toml renders TOML in pure
# Nix (./toml.nix) into a real store file (builtins.toFile), so a test reads
# the generated config back with builtins.fromTOML.
{
  lib,
  # The platform the system is for, and the one that builds it (they differ
  # when cross-compiling: the modules then skip the build-time config check).
  hostSystem ? "x86_64-linux",
  buildSystem ? hostSystem,
}:
let
  standIn =
    name: attrs:
    derivation (
      {
        inherit name;
        system = buildSystem;
        builder = "/bin/sh";
        args = [
          "-c"
          "echo '${name}: a stand-in from nix/tests/eval/pkgs.nix; it is evaluated, never built' >&2; exit 1"
        ];
      }
      // attrs
    );

  package =
    pname: version:
    standIn "${pname}-${version}" { }
    // {
      inherit pname version;
      meta.mainProgram = pname;
    };

  toTOML = import ./toml.nix { inherit lib; };

  pkgs = {
    inherit lib;
    system = hostSystem;

    stdenv = {
      hostPlatform.system = hostSystem;
      buildPlatform = {
        system = buildSystem;
        canExecute = platform: platform.system == buildSystem;
      };
    };

    callPackage = lib.callPackageWith pkgs;

    # nixpkgs' pkgs-lib/formats.nix: the same option type; `generate` gives a
    # store file. toFile cannot hold references to derivations, so the
    # stand-in drops them (nixpkgs keeps them); only the text matters here.
    formats.toml =
      { }:
      {
        type =
          let
            valueType =
              lib.types.oneOf [
                lib.types.bool
                lib.types.int
                lib.types.float
                lib.types.str
                lib.types.path
                (lib.types.attrsOf valueType)
                (lib.types.listOf valueType)
              ]
              // {
                description = "TOML value";
              };
          in
          valueType;
        generate = name: value: builtins.toFile name (builtins.unsafeDiscardStringContext (toTOML value));
      };

    runCommand =
      name: env: buildCommand:
      standIn name (removeAttrs env [ "passthru" ] // { inherit buildCommand; }) // env.passthru or { };

    writeText = name: text: standIn name { inherit text; };

    writeTextDir =
      path: text:
      standIn (baseNameOf path) {
        inherit text;
        destination = "/${path}";
      };

    writeShellScript =
      name: text:
      standIn name {
        text = "#!${pkgs.runtimeShell}\n${text}";
        executable = true;
      };

    runtimeShell = "${pkgs.bash}/bin/bash";

    # What nix/package.nix is built with; the package's own attributes (name,
    # version, meta.mainProgram) come from package.nix. Its `src` and npm
    # dependencies are not evaluated here: building the package needs nixpkgs.
    buildNpmPackage =
      attrs:
      standIn "${attrs.pname}-${attrs.version}" { }
      // {
        inherit (attrs) pname version meta;
      };
    importNpmLock = {
      __functor = _: _: standIn "npm-deps" { };
      npmConfigHook = standIn "npm-config-hook" { };
    };

    nodejs_20 = package "nodejs" "20.19.0";
    python3 = package "python3" "3.12.8"; # node-gyp, for zstd-napi (nix/package.nix)
    bash = package "bash" "5.2";
    coreutils = package "coreutils" "9.5";
    git = package "git" "2.47.0";
    nix = package "nix" "2.24.10";
    systemd = package "systemd" "256.8" // {
      meta.mainProgram = "systemctl";
    };
  };
in
pkgs
