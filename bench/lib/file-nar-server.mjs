// The file-backed alternative to irisd's NAR streaming: NAR files already on disk (the `nix copy --to file://`
// cache) sent with fs.createReadStream piped into the response, as a NAR cache of serialized local paths would
// serve them (Node has no sendfile). bench/irisd-serve.ts measures it beside irisd and nginx.
// Usage: node bench/lib/file-nar-server.mjs PORT ROOT
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, normalize } from 'node:path';

const root = process.argv[3];
createServer((req, res) => {
  const file = join(root, normalize(decodeURIComponent(req.url ?? '/')));
  let size;
  try {
    size = statSync(file).size;
  } catch {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-length': size, 'content-type': 'application/x-nix-nar' });
  createReadStream(file, { highWaterMark: 1 << 20 }).pipe(res);
}).listen(Number(process.argv[2]), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
