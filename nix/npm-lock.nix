# Pure (builtins only, so it evaluates without nixpkgs and is unit-tested in
# test/nix-files.test.ts): take package-lock.json as an attrset and fill in the
# `resolved` URL of every registry package.
#
# Our lockfile is written with `omit-lockfile-registry-resolved=true`, so its
# registry entries carry `version` and `integrity` but no `resolved`. npm
# itself then asks the configured registry; importNpmLock (and
# prefetch-npm-deps) need a URL to fetch from. The npm registry's tarball URL
# is a pure function of name and version, and `integrity` still pins the
# bytes, so nothing is trusted that the lockfile did not already pin.
{ packageLock, registry ? "https://registry.npmjs.org" }:
let
  # "node_modules/a/node_modules/@scope/b" -> "@scope/b"
  lastName = path:
    let parts = builtins.filter builtins.isString (builtins.split "node_modules/" path);
    in builtins.elemAt parts (builtins.length parts - 1);
  # "@scope/b" -> "b"
  baseName = name:
    let parts = builtins.filter builtins.isString (builtins.split "/" name);
    in builtins.elemAt parts (builtins.length parts - 1);
  needsUrl = path: module:
    path != "" && !(module ? resolved) && !(module.link or false)
    && module ? version && module ? integrity;
  tarballUrl = path: module:
    let name = module.name or (lastName path);
    in "${registry}/${name}/-/${baseName name}-${module.version}.tgz";
in
packageLock // {
  packages = builtins.mapAttrs
    (path: module:
      if needsUrl path module then module // { resolved = tarballUrl path module; } else module)
    packageLock.packages;
}
