# Pure: the fleet store credential files of ogygia.etcd (when it has
# endpoints) or an enabled ogygia.zookeeper, as systemd LoadCredential
# entries "NAME:FILE". Only the store in use: a unit never needs a file it
# does not read. The names are the ones ogygia/settings.nix and
# agent/settings.nix put in the generated configs (credentialPath UNIT NAME).
{ base }:
let
  files =
    if base.etcd.endpoints != [ ] then
      [
        {
          name = "etcd-password";
          file = base.etcd.passwordFile;
        }
        {
          name = "etcd-ca";
          file = base.etcd.caFile;
        }
        {
          name = "etcd-cert";
          file = base.etcd.certFile;
        }
        {
          name = "etcd-key";
          file = base.etcd.keyFile;
        }
      ]
    else if base.zookeeper.enable then
      [
        {
          name = "zookeeper-auth";
          file = base.zookeeper.authFile;
        }
      ]
    else
      [ ];
in
map (f: "${f.name}:${f.file}") (builtins.filter (f: f.file != null) files)
