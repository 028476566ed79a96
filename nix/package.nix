# The `ogygia` npm package (CLI `ogygia`, plus `ogygia-irisd`), built with
# buildNpmPackage. Dependencies come from package-lock.json through
# importNpmLock: one fetchurl per package pinned by the lockfile's own
# `integrity`, so there is no npmDepsHash to keep in sync (see docs/nix.md).
{
  lib,
  buildNpmPackage,
  importNpmLock,
  nodejs_20,
  python3,
  # Set by flake.nix to its VM tests so `passthru.tests` points at them.
  vmTests ? { },
}:
let
  root = ../.;
  src = lib.fileset.toSource {
    inherit root;
    fileset = lib.fileset.unions (
      [
        ../package.json
        ../package-lock.json
        ../tsconfig.json
        ../bin
        ../scripts/bundle.mjs
      ]
      # Parts land independently; a part that does not exist yet is skipped.
      ++ map lib.fileset.maybeMissing [
        ../core
        ../cli
        ../reconciler
        ../agent
        ../irisd
        ../status
        ../testkit
        ../docs
        ../fixtures
        ../vitest.config.ts
        ../README.md
      ]
    );
  };
  packageJson = lib.importJSON ../package.json;
  packageLock = import ./npm-lock.nix { packageLock = lib.importJSON ../package-lock.json; };
in
buildNpmPackage {
  pname = "ogygia";
  inherit (packageJson) version;
  inherit src;

  nodejs = nodejs_20;

  npmDeps = importNpmLock {
    npmRoot = src;
    inherit packageLock;
  };
  npmConfigHook = importNpmLock.npmConfigHook;

  # zstd-napi (irisd's optional zstd) compiles its bundled zstd with node-gyp
  # when the hook runs `npm rebuild`; node-gyp needs Python.
  nativeBuildInputs = [ python3 ];

  # `prepare` (tsc, then the esbuild bundle) is skipped by `npm ci --ignore-scripts`; build explicitly.
  npmBuildScript = "build";

  # Unit tests run in the separate `checks.<system>.unit-tests` derivation
  # (nix/unit-tests.nix), so a flaky test never blocks installing the package.
  doCheck = false;

  passthru = {
    inherit packageLock;
    tests = vmTests;
  };

  meta = {
    description = packageJson.description;
    homepage = "https://github.com/ogygia/ogygia";
    license = lib.licenses.mit;
    mainProgram = "ogygia";
    platforms = lib.platforms.linux;
  };
}
