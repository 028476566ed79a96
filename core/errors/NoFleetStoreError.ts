import { OgygiaError } from './OgygiaError.js';

export type NoFleetStoreFields = {
  /** The Ogygia (status) config file. */
  readonly file: string;
  /** Whether the file exists (it then configures no store). */
  readonly found: boolean;
};

/** `ogygia report` found no etcd or ZooKeeper to publish to. */
export class NoFleetStoreError extends OgygiaError<NoFleetStoreFields> {
  readonly code = 'NoFleetStoreError';

  constructor(f: NoFleetStoreFields) {
    super(
      f.found
        ? `${f.file} configures neither [ogygia.etcd] nor an enabled [ogygia.zookeeper]; add one so report has a store to publish to.`
        : `Ogygia config ${f.file} not found; set OGYGIA_CONFIG or enable ogygia.etcd or ogygia.zookeeper in the NixOS module.`,
      { ...f },
    );
  }
}
