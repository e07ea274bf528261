import type Database from 'better-sqlite3';
import type { Db } from '../store/database.js';
import {
  type Adr,
  type AdrRow,
  type AdrStore,
  type NewAdr,
  type NewSuggestion,
  type Suggestion,
  type SuggestionRow,
  type SuggestionState,
  toAdr,
  toSuggestion,
} from './store.js';

/** ADR suggestions and ADRs over SQLite. */
export class SqliteAdrStore implements AdrStore {
  readonly #db: Db;
  readonly #now: () => Date;
  readonly #insertSuggestion: Database.Statement;
  readonly #setCard: Database.Statement;
  readonly #suggestion: Database.Statement;
  readonly #move: Database.Statement;
  readonly #setNumber: Database.Statement;
  readonly #drafting: Database.Statement;
  readonly #maxNumber: Database.Statement;
  readonly #insertAdr: Database.Statement;
  readonly #adr: Database.Statement;
  readonly #adrByNumber: Database.Statement;
  readonly #allAdrs: Database.Statement;
  readonly #proposed: Database.Statement;
  readonly #decide: Database.Statement;
  readonly #setMarkdown: Database.Statement;

  constructor(db: Db, now: () => Date = () => new Date()) {
    this.#db = db;
    this.#now = now;
    this.#insertSuggestion = db.prepare(`
      INSERT INTO adr_suggestions (public_id, source, team_id, channel_id, thread_ts, phr_public_id, brief, title,
                                   suggested_by, created_at, updated_at)
      VALUES (@publicId, @source, @teamId, @channelId, @threadTs, @phrPublicId, @brief, @title, @suggestedBy,
              @now, @now)`);
    this.#setCard = db.prepare('UPDATE adr_suggestions SET card_ts = @cardTs WHERE public_id = @publicId');
    this.#suggestion = db.prepare('SELECT * FROM adr_suggestions WHERE public_id = ?');
    this.#move = db.prepare(`
      UPDATE adr_suggestions SET state = @to, acted_by = @actor, updated_at = @now
      WHERE public_id = @publicId AND state = @from`);
    this.#setNumber = db.prepare(`
      UPDATE adr_suggestions SET state = 'documented', adr_number = @number, updated_at = @now
      WHERE public_id = @publicId AND state = 'drafting'`);
    this.#drafting = db.prepare("SELECT * FROM adr_suggestions WHERE state = 'drafting' AND updated_at < ?");
    this.#maxNumber = db.prepare('SELECT max(number) AS n FROM adrs');
    this.#insertAdr = db.prepare(`
      INSERT INTO adrs (number, public_id, suggestion_id, title, status, file_path, markdown, channel_id, thread_ts,
                        card_ts, proposed_by, created_at)
      VALUES (@number, @publicId, @suggestionId, @title, @status, @filePath, @markdown, @channelId, @threadTs,
              @cardTs, @proposedBy, @createdAt)`);
    this.#adr = db.prepare('SELECT * FROM adrs WHERE public_id = ?');
    this.#adrByNumber = db.prepare('SELECT * FROM adrs WHERE number = ?');
    this.#allAdrs = db.prepare('SELECT * FROM adrs ORDER BY number');
    this.#proposed = db.prepare("SELECT * FROM adrs WHERE status = 'Proposed' ORDER BY number DESC LIMIT ?");
    this.#decide = db.prepare(`
      UPDATE adrs SET status = @status, decided_by = @decidedBy, decided_at = @decidedAt
      WHERE public_id = @publicId AND status = 'Proposed'`);
    this.#setMarkdown = db.prepare('UPDATE adrs SET markdown = @markdown WHERE public_id = @publicId');
  }

  async insertSuggestion(suggestion: NewSuggestion): Promise<void> {
    this.#insertSuggestion.run({ ...suggestion, now: this.#now().toISOString() });
  }

  async setCard(publicId: string, cardTs: string): Promise<void> {
    this.#setCard.run({ publicId, cardTs });
  }

  async suggestion(publicId: string): Promise<Suggestion | undefined> {
    const row = this.#suggestion.get(publicId) as SuggestionRow | undefined;
    return row && toSuggestion(row);
  }

  async move(
    publicId: string,
    from: SuggestionState,
    to: SuggestionState,
    actor: string | null,
  ): Promise<boolean> {
    return this.#move.run({ publicId, from, to, actor, now: this.#now().toISOString() }).changes === 1;
  }

  async drafting(before: Date): Promise<Suggestion[]> {
    return (this.#drafting.all(before.toISOString()) as SuggestionRow[]).map(toSuggestion);
  }

  async adr(publicId: string): Promise<Adr | undefined> {
    const row = this.#adr.get(publicId) as AdrRow | undefined;
    return row && toAdr(row);
  }

  async adrByNumber(number: number): Promise<Adr | undefined> {
    const row = this.#adrByNumber.get(number) as AdrRow | undefined;
    return row && toAdr(row);
  }

  async allAdrs(): Promise<Adr[]> {
    return (this.#allAdrs.all() as AdrRow[]).map(toAdr);
  }

  async proposed(limit: number): Promise<Adr[]> {
    return (this.#proposed.all(limit) as AdrRow[]).map(toAdr);
  }

  async decide(publicId: string, status: 'Accepted' | 'Rejected', decidedBy: string): Promise<boolean> {
    const decidedAt = this.#now().toISOString();
    return this.#decide.run({ publicId, status, decidedBy, decidedAt }).changes === 1;
  }

  async setMarkdown(publicId: string, markdown: string): Promise<void> {
    this.#setMarkdown.run({ publicId, markdown });
  }

  async insertNumbered<T extends NewAdr>(
    suggestionPublicId: string,
    build: (maxStored: number) => T,
  ): Promise<T> {
    return this.#db.transaction(() => {
      const adr = build((this.#maxNumber.get() as { n: number | null }).n ?? 0);
      this.#insertAdr.run(adr);
      this.#setNumber.run({
        publicId: suggestionPublicId,
        number: adr.number,
        now: this.#now().toISOString(),
      });
      return adr;
    })();
  }
}
