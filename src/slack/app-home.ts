import type { WebClient } from '@slack/web-api';
import type { ApproverCheck } from '../adr/approvers.js';
import type { AdrService } from '../adr/service.js';
import type { DocsLibrary } from '../docs/library.js';
import type { Logger } from '../log.js';
import type { PhrService } from '../phr/service.js';
import type { MemberCheck } from './channel-members.js';
import { callSlack } from './errors.js';
import { HOME_LIMITS, type HomeAdr, type HomeData, type HomeDocs, homeView } from './home.js';

export interface AppHomeDeps {
  client: WebClient;
  phrService: Pick<PhrService, 'askedBy'>;
  adrService: Pick<AdrService, 'proposed'>;
  isApprover: ApproverCheck;
  isMember: MemberCheck;
  docs: Pick<DocsLibrary, 'status' | 'current'>;
  logger: Logger;
}

export interface AppHome {
  /** Builds one person's Home tab and publishes it with views.publish. */
  publish(userId: string): Promise<void>;
}

/** How many Proposed ADRs are looked at before the membership filter. */
const ADR_CANDIDATES = 100;

/**
 * The App Home tab. Privacy: the questions are the viewer's own (PHRs whose asker is the viewer);
 * ADRs appear only for someone who may decide them (ADR_APPROVERS, or anyone when it is unset) and only
 * from channels the viewer is a member of now. A DM's ADR shows only to its proposer, the DM's one human.
 */
export function createAppHome(deps: AppHomeDeps): AppHome {
  const pendingFor = async (userId: string): Promise<HomeAdr[] | null> => {
    if (!(await deps.isApprover(userId))) return null;
    const membership = new Map<string, Promise<boolean>>();
    const inChannel = (channelId: string) => {
      let known = membership.get(channelId);
      if (!known) {
        known = deps.isMember(channelId, userId);
        membership.set(channelId, known);
      }
      return known;
    };
    const visible: HomeAdr[] = [];
    for (const adr of await deps.adrService.proposed(ADR_CANDIDATES)) {
      const mine = adr.channelId.startsWith('D') ? adr.proposedBy === userId : await inChannel(adr.channelId);
      if (mine) visible.push({ ...adr });
    }
    return visible;
  };

  const docsOf = (): HomeDocs => {
    const open = deps.docs.current();
    const status = deps.docs.status();
    if (!open) return { status };
    return { status, release: open.meta.release, pages: open.meta.pages, syncedAt: open.meta.syncedAt };
  };

  return {
    async publish(userId) {
      const data: HomeData = {
        questions: await deps.phrService.askedBy(userId, HOME_LIMITS.questions),
        adrs: await pendingFor(userId),
        docs: docsOf(),
      };
      const view = homeView(data);
      await callSlack('views.publish', () => deps.client.views.publish({ user_id: userId, view }));
      deps.logger.info('home published', {
        user: userId,
        questions: data.questions.length,
        adrs: data.adrs?.length ?? null,
      });
    },
  };
}
