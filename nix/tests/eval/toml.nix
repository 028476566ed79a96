# Test-only: render a Nix attrset as TOML in pure Nix, for the `pkgs`
# stand-in's formats.toml (nixpkgs renders with remarshal, which is not here).
# Laid out as remarshal's json2toml does for the values the modules produce
# (keys sorted, a table's plain keys before its subtables, a table that only
# holds tables gets no header of its own); a list of tables is written as
# inline tables. TOML has no null: a null anywhere is an error, as remarshal's
# is, so a module that forgets to drop its nulls fails here too.
{ lib }:
let
  inherit (builtins)
    attrNames
    concatStringsSep
    filter
    isAttrs
    isBool
    isFloat
    isInt
    isList
    isPath
    isString
    match
    toJSON
    ;

  isTable = v: isAttrs v && !(v ? outPath);

  key = k: if match "[A-Za-z0-9_-]+" k != null then k else toJSON k;

  float =
    v:
    let
      s = toJSON v;
    in
    if match ".*[.eE].*" s != null then s else "${s}.0";

  value =
    loc: v:
    if v == null then
      throw "formats.toml (nix/tests/eval stand-in): ${concatStringsSep "." loc} is null, and TOML has no null"
    else if isBool v then
      lib.boolToString v
    else if isInt v then
      toString v
    else if isFloat v then
      float v
    else if isString v || isPath v then
      toJSON "${v}"
    else if isList v then
      "[" + concatStringsSep ", " (lib.imap0 (i: value (loc ++ [ (toString i) ])) v) + "]"
    else if isTable v then
      "{ " + concatStringsSep ", " (map (k: "${key k} = ${value (loc ++ [ k ]) v.${k}}") (attrNames v)) + " }"
    else
      # a derivation: its store path, as builtins.toJSON gives it to remarshal
      toJSON "${v}";

  sections =
    path: t:
    let
      names = attrNames t;
      plain = filter (k: !isTable t.${k}) names;
      tables = filter (k: isTable t.${k}) names;
      header = lib.optional (path != [ ]) "[${concatStringsSep "." (map key path)}]";
      lines = map (k: "${key k} = ${value (path ++ [ k ]) t.${k}}") plain;
      own = lib.optional (path == [ ] || plain != [ ] || tables == [ ]) (concatStringsSep "\n" (header ++ lines));
    in
    own ++ lib.concatMap (k: sections (path ++ [ k ]) t.${k}) tables;
in
attrs:
assert lib.assertMsg (isTable attrs) "formats.toml (nix/tests/eval stand-in): the top level must be an attribute set";
concatStringsSep "\n\n" (filter (s: s != "") (sections [ ] attrs)) + "\n"
