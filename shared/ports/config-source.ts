import type { ApprovalDecision } from '../contracts/activities.js';
import type { ImageRef, PipelinePlan } from '../contracts/plan.js';
import type { ChatPrincipalRule } from '../config/chat-schema.js';
import type { ApprovalRecord, DeploymentRecord } from '../domain/deployment.js';

export interface ApprovalCheck {
  deployment: DeploymentRecord;
  approval: ApprovalRecord;
  decision: ApprovalDecision;
  previous: ApprovalRecord[];
  waitingSince: string;
  at: string;
}

/** The validated configuration file, as the activities need it. */
export interface ConfigSource {
  services(): string[];
  plan(service: string): PipelinePlan | undefined;
  /**
   * The part of `plan` a push needs (configured name, chat routes), without building the whole plan.
   * Optional: sources without it are asked for the plan.
   */
  pushTarget?(service: string): Pick<PipelinePlan, 'service' | 'chat'> | undefined;
  /** The configured service whose image match covers this image, if any. */
  serviceForImage(image: ImageRef): string | undefined;
  /** Whether the service is configured with the image's registry and repository (tags aside). */
  servesRepository(service: string, image: Pick<ImageRef, 'registry' | 'repository'>): boolean;
  /** `ring`: a train's ring whose own request this is (its overrides of the policy apply). */
  decideApproval(
    service: string,
    environment: 'staging' | 'production',
    at: string,
    ring?: string,
  ): ApprovalDecision;
  checkApproval(check: ApprovalCheck): { accepted: boolean; refusal?: string };
  /** The `chat.principals` rules mapping chat users to principals; none (or absent) maps nobody. */
  chatPrincipals?(): readonly ChatPrincipalRule[];
}
