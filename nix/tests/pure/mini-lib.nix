# Test-only: the few nixpkgs `lib` functions the modules' pure settings files
# (nix/modules/*/settings.nix) use, written with builtins, so those files
# evaluate on a machine without nixpkgs (test/nix-module-config.test.ts).
# Same semantics as nixpkgs lib for the inputs used here.
rec {
  head = builtins.head;
  elem = builtins.elem;
  last = l: builtins.elemAt l (builtins.length l - 1);
  splitString = sep: s: builtins.filter builtins.isString (builtins.split sep s);
  optional = c: x: if c then [ x ] else [ ];
  optionalAttrs = c: a: if c then a else { };
  imap0 = f: l: builtins.genList (i: f i (builtins.elemAt l i)) (builtins.length l);
  unique = builtins.foldl' (acc: x: if builtins.elem x acc then acc else acc ++ [ x ]) [ ];
  findFirst = pred: default: l:
    let found = builtins.filter pred l; in if found == [ ] then default else builtins.head found;
  removeSuffix = suffix: s:
    let
      sl = builtins.stringLength suffix;
      l = builtins.stringLength s;
    in
    if sl <= l && builtins.substring (l - sl) sl s == suffix then builtins.substring 0 (l - sl) s else s;
  toInt = s: builtins.fromJSON s;
  recursiveUpdate = lhs: rhs:
    lhs // builtins.mapAttrs
      (n: v: if builtins.isAttrs v && builtins.isAttrs (lhs.${n} or null) then recursiveUpdate lhs.${n} v else v)
      rhs;
  filterAttrsRecursive = pred: set:
    builtins.listToAttrs (builtins.concatMap
      (name:
        let v = set.${name}; in
        if pred name v then [ { inherit name; value = if builtins.isAttrs v then filterAttrsRecursive pred v else v; } ] else [ ])
      (builtins.attrNames set));
}
