# NixOS VM test: two irisd peers on the test network, whose addresses are set
# as ogygia.nebula.ipv4 (so irisd also listens there). A path added and signed
# on peer1 only is substituted by peer2's Nix daemon through its own irisd;
# an unsigned path is not offered; a miss is a prompt 404. Keys under ./keys
# are test-only.
{ lib, ... }:
let
  pub = name: lib.fileContents ./keys/${name}-test-1.public;
  trusted = [
    (pub "iris-peer1")
    (pub "iris-peer2")
  ];

  peer =
    self: other:
    { config, pkgs, ... }:
    {
      virtualisation.writableStore = true;
      environment.systemPackages = [ pkgs.curl ];
      environment.etc."ogygia-test/sign.secret".source = ./keys/iris-${self}-test-1.secret;

      ogygia.enable = true;
      ogygia.nebula.ipv4 = config.networking.primaryIPAddress;
      ogygia.irisd = {
        enable = true;
        openFirewall = true;
        configureNixDaemon = true;
        signingKeyFile = "/etc/ogygia-test/sign.secret";
        settings = {
          peers.urls = [ "http://${other}:35742" ];
          peers.refresh_seconds = 2;
          trust.trusted_keys = trusted;
        };
      };
    };
in
{
  name = "ogygia-irisd";

  nodes = {
    peer1 = peer "peer1" "peer2";
    peer2 = peer "peer2" "peer1";
  };

  testScript = { nodes, ... }: ''
    nix = "nix --extra-experimental-features nix-command"

    def add_path(machine, text):
        return machine.succeed(f"printf %s '{text}' > /tmp/payload && nix-store --add /tmp/payload").strip()

    def hash_of(path):
        return path[len("/nix/store/"):][:32]

    start_all()
    for m in (peer1, peer2):
        m.wait_for_unit("ogygia-irisd.service")
        m.wait_for_open_port(35742)

    with subtest("irisd listens on the Nebula address and the daemon uses it"):
        peer2.wait_until_succeeds("curl -sf http://${nodes.peer1.networking.primaryIPAddress}:35742/nix-cache-info")
        peer1.wait_until_succeeds("curl -sf http://${nodes.peer2.networking.primaryIPAddress}:35742/nix-cache-info")
        peer2.succeed("grep -E '^substituters = .*http://127.0.0.1:35742' /etc/nix/nix.conf")
        peer2.succeed("grep -E '^narinfo-cache-negative-ttl = 2$' /etc/nix/nix.conf")

    with subtest("a signed path only peer1 holds is substituted on peer2"):
        path = add_path(peer1, "iris payload signed")
        peer1.succeed(f"{nix} store sign --key-file /etc/ogygia-test/sign.secret {path}")
        peer2.fail(f"test -e {path}")
        peer1.wait_until_succeeds(f"curl -sf http://127.0.0.1:35742/{hash_of(path)}.narinfo", timeout=60)
        peer2.wait_until_succeeds(f"curl -sf http://127.0.0.1:35742/{hash_of(path)}.narinfo", timeout=60)
        peer2.succeed(f"nix-store --realise {path}")
        peer2.succeed(f"test \"$(cat {path})\" = 'iris payload signed'")
        peer2.succeed(f"{nix} store verify --sigs-needed 1 {path}")

    with subtest("an unsigned path is not offered"):
        unsigned = add_path(peer1, "iris payload unsigned")
        peer2.sleep(6)
        peer2.fail(f"curl -sf http://127.0.0.1:35742/{hash_of(unsigned)}.narinfo")
        peer2.fail(f"nix-store --realise {unsigned}")

    with subtest("a miss is a 404 within the peer timeout"):
        code = peer2.succeed(
            "curl -s -o /dev/null -w '%{http_code}' --max-time 5 "
            "http://127.0.0.1:35742/00000000000000000000000000000000.narinfo"
        ).strip()
        assert code == "404", f"expected 404 for a miss, got {code}"
  '';
}
