import type { Catalog } from '../domain/catalog';
import type { FileScanner } from '../fileScan/fileScanner';
import type { CatalogService } from '../guidance/catalogService';

/** One FileScanner per loaded catalog (built on first use, rebuilt when the catalog reloads). */
export class ScannerForCatalog {
  private last?: { catalog: Catalog; scanner: FileScanner };

  constructor(private readonly catalogs: CatalogService) {}

  get(): { catalog: Catalog; scanner: FileScanner } {
    const catalog = this.catalogs.catalog;
    if (this.last?.catalog !== catalog) {
      const ambiguous = new Set(catalog.entries.filter((e) => e.ambiguous).map((e) => e.id));
      // The scanner is dist/fileScan.js (esbuild.mjs), loaded on the first scan.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { FileScanner: Scanner } = require('./fileScanBundle') as typeof import('./fileScanBundle');
      this.last = { catalog, scanner: new Scanner(catalog.terms(), ambiguous) };
    }
    return this.last;
  }
}
