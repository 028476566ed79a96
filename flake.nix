{
  description = "Ogygia: GitOps for fleets of NixOS machines (signed releases in git, reconciler, agents, fleet status, peer-to-peer Nix cache)";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs =
    { self, nixpkgs }:
    let
      inherit (nixpkgs) lib;
      systems = [
        "x86_64-linux"
        "aarch64-linux"
      ];
      forAllSystems = f: lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
    in
    {
      packages = forAllSystems (pkgs: rec {
        ogygia = pkgs.callPackage ./nix/package.nix {
          vmTests = lib.optionalAttrs (pkgs.stdenv.hostPlatform.system == "x86_64-linux") {
            inherit (self.checks.${pkgs.stdenv.hostPlatform.system}) vm-reconciler-agents vm-irisd;
          };
        };
        default = ogygia;
      });

      apps = forAllSystems (pkgs: {
        default = {
          type = "app";
          program = lib.getExe self.packages.${pkgs.stdenv.hostPlatform.system}.ogygia;
          meta.description = "The ogygia CLI (nix run github:<owner>/ogygia -- status)";
        };
      });

      overlays.default = final: _prev: {
        ogygia = final.callPackage ./nix/package.nix { };
      };

      nixosModules =
        let
          # ogygia.package defaults to this flake's package for the host's
          # system. One keyed module, so importing several of these modules
          # defines the default once.
          packageDefault =
            { pkgs, lib, ... }:
            {
              key = "ogygia-flake-package-default";
              ogygia.package = lib.mkDefault self.packages.${pkgs.stdenv.hostPlatform.system}.ogygia;
            };
          fromFlake = module: {
            imports = [
              module
              packageDefault
            ];
          };
        in
        {
          default = fromFlake ./nix/modules;
          ogygia = fromFlake ./nix/modules/ogygia;
          report = fromFlake ./nix/modules/report;
          agent = fromFlake ./nix/modules/agent;
          reconciler = fromFlake ./nix/modules/reconciler;
          irisd = fromFlake ./nix/modules/irisd;
        };

      checks = forAllSystems (
        pkgs:
        let
          system = pkgs.stdenv.hostPlatform.system;
          ogygia = self.packages.${system}.ogygia;
          vmTest =
            file:
            pkgs.testers.runNixOSTest {
              imports = [ file ];
              defaults = {
                imports = [ self.nixosModules.default ];
              };
            };
        in
        {
          package = ogygia;
          unit-tests = pkgs.callPackage ./nix/unit-tests.nix { inherit ogygia; };
          vm-reconciler-agents = vmTest ./nix/tests/reconciler-agents.nix;
          vm-irisd = vmTest ./nix/tests/irisd.nix;
        }
      );

      devShells = forAllSystems (pkgs: {
        default = pkgs.mkShell {
          packages = [
            pkgs.nodejs_20
            pkgs.nix
            pkgs.etcd
            pkgs.zookeeper
            pkgs.git
            pkgs.openssl
          ];
          shellHook = ''
            export NIX_CONFIG="experimental-features = nix-command flakes"
          '';
        };
      });

      formatter = forAllSystems (pkgs: pkgs.nixfmt-rfc-style);
    };
}
