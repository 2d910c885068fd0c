import { DirectoryDestination } from '../../src/modules/backup/destinations/index.js';

/** The real directory destination, with its root at hand for tests that damage or copy what it stores. */
export class TestDirDestination extends DirectoryDestination {
  constructor(
    name: string,
    readonly root: string,
  ) {
    super({ name, path: root });
  }
}
