import path from 'node:path';

/**
 * The path of a file that the packaged app keeps outside its asar archive
 * (electron-builder's `asarUnpack`): `…/app.asar/x` becomes
 * `…/app.asar.unpacked/x`. Reading there needs no asar support from the
 * thread that reads, which matters for the wasm binaries and the MNIST files
 * the engine thread opens. Other paths come back unchanged.
 */
export function outsideAsar(p: string): string {
  return p.replace(/([\\/])app\.asar(?=[\\/])/, '$1app.asar.unpacked');
}

/** The folder of an installed package's files, outside the asar archive when packaged. */
export function packageDir(resolve: (id: string) => string, name: string, ...sub: string[]): string {
  return outsideAsar(path.join(path.dirname(resolve(`${name}/package.json`)), ...sub));
}
