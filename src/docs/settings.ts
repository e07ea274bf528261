/** Settings of the FastAPI docs index, read from an environment record (blank counts as unset). */
export interface DocsConfig {
  /** URL or local path of a source archive (.tar.gz) or an unpacked checkout; unset: GitHub's archive. */
  source: string | undefined;
  /** Release tag to fetch from GitHub when no source is given; unset: the newest release. */
  version: string | undefined;
  indexPath: string;
  /** An index older than this is due for a new sync; 0 never refreshes. */
  refreshHours: number;
}

export const DOCS_SETTINGS = {
  FASTAPI_DOCS_SOURCE: 'URL or path of a FastAPI source archive (.tar.gz) or checkout folder',
  FASTAPI_DOCS_VERSION: 'FastAPI release whose docs are indexed (tag, e.g. 0.141.1)',
  DOCS_INDEX_PATH: 'where the docs search index (SQLite) is kept',
  DOCS_REFRESH_HOURS: 'hours after which the docs index is due for a new sync (0: never)',
} as const;

export class DocsConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'DocsConfigError';
  }
}

export function loadDocsConfig(env: Readonly<Record<string, string | undefined>>): DocsConfig {
  const value = (name: keyof typeof DOCS_SETTINGS) => {
    const raw = env[name]?.trim();
    return raw === '' ? undefined : raw;
  };
  const problems: string[] = [];
  const hours = value('DOCS_REFRESH_HOURS');
  const refreshHours = hours === undefined ? 168 : Number(hours);
  if (!Number.isFinite(refreshHours) || refreshHours < 0)
    problems.push(`DOCS_REFRESH_HOURS must be a number of hours, 0 or more (got ${JSON.stringify(hours)})`);
  const version = value('FASTAPI_DOCS_VERSION');
  if (version !== undefined && !/^[\w.-]+$/.test(version))
    problems.push(
      `FASTAPI_DOCS_VERSION must be a release tag such as 0.141.1 (got ${JSON.stringify(version)})`,
    );
  if (problems.length > 0) throw new DocsConfigError(problems);
  return {
    source: value('FASTAPI_DOCS_SOURCE'),
    version: version?.replace(/^v(?=\d)/, ''),
    indexPath: value('DOCS_INDEX_PATH') ?? './data/fastapi-docs.sqlite',
    refreshHours,
  };
}

/** Whether an index synced at `syncedAt` is due for a new sync. */
export function isStale(syncedAt: Date, config: Pick<DocsConfig, 'refreshHours'>, now = new Date()): boolean {
  return config.refreshHours > 0 && now.getTime() - syncedAt.getTime() >= config.refreshHours * 3_600_000;
}
