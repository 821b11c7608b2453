import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ApprovalDecision } from '../contracts/activities.js';
import type { ApprovalPolicy, ImageRef } from '../contracts/plan.js';
import { loadConfig, type LoadOptions } from '../config/load.js';
import {
  planFor,
  pushTargetFor,
  serviceForImage,
  serviceNames,
  servesRepository,
  UnknownServiceError,
} from '../config/plan.js';
import type { GantryConfig } from '../config/schema.js';
import { decideApproval, validateApprover } from '../domain/approval-policy.js';
import { approvalPolicyFor } from '../domain/ring-approval.js';
import { nextAutoApproval } from '../domain/approval-windows.js';
import type { ApprovalCheck, ConfigSource } from '../ports/config-source.js';

/** The policy the orchestration is enforcing, rebuilt from the decision it recorded. */
function policyOf(decision: Extract<ApprovalDecision, { kind: 'required' }>): ApprovalPolicy {
  return {
    autoApprove: [],
    reviewers: decision.reviewers,
    minApprovers: decision.minApprovers,
    forbidSelfApproval: decision.forbidSelfApproval,
    waitTimer: decision.waitTimerMs,
    expiry: decision.expiryMs,
  };
}

/** ConfigSource over the validated YAML file. */
export class FileConfigSource implements ConfigSource {
  constructor(readonly config: GantryConfig) {}

  /** Reads and validates the file; a ConfigError names the field and the line. */
  static load(file: string, options: LoadOptions = {}): FileConfigSource {
    const resolved = path.resolve(file);
    return new FileConfigSource(loadConfig(readFileSync(resolved, 'utf8'), resolved, options));
  }

  services(): string[] {
    return serviceNames(this.config);
  }

  plan(service: string) {
    try {
      return planFor(this.config, service);
    } catch (error) {
      if (error instanceof UnknownServiceError) return undefined;
      throw error;
    }
  }

  pushTarget(service: string) {
    try {
      return pushTargetFor(this.config, service);
    } catch (error) {
      if (error instanceof UnknownServiceError) return undefined;
      throw error;
    }
  }

  serviceForImage(image: ImageRef): string | undefined {
    return serviceForImage(this.config, image.registry, image.repository, image.tag);
  }

  servesRepository(service: string, image: Pick<ImageRef, 'registry' | 'repository'>): boolean {
    return servesRepository(this.config, service, image.registry, image.repository);
  }

  decideApproval(
    service: string,
    environment: 'staging' | 'production',
    at: string,
    ring?: string,
  ): ApprovalDecision {
    const plan = this.plan(service);
    const policy = plan && approvalPolicyFor(plan, ring);
    if (!plan || !policy) throw new UnknownServiceError(service);
    const question = { environment, at, policy, freezes: plan.freezes ?? [] };
    const outcome = decideApproval(question);
    switch (outcome.kind) {
      case 'auto':
        return { kind: 'auto', reason: outcome.reason };
      case 'blocked':
        return { kind: 'blocked', reason: outcome.reason, until: outcome.until };
      case 'required': {
        const opens = nextAutoApproval({ ...question, until: outcome.expiresAt });
        return {
          kind: 'required',
          reviewers: outcome.reviewers,
          minApprovers: outcome.minApprovers,
          waitTimerMs: outcome.waitTimer,
          expiryMs: Date.parse(outcome.expiresAt) - Date.parse(at),
          forbidSelfApproval: outcome.forbidSelfApproval,
          ...(opens ? { autoApproveAt: opens.toISOString() } : {}),
        };
      }
    }
  }

  chatPrincipals() {
    return this.config.chat?.principals ?? [];
  }

  checkApproval(check: ApprovalCheck): { accepted: boolean; refusal?: string } {
    if (check.decision.kind !== 'required')
      return { accepted: false, refusal: 'no approval is required for this deployment' };
    // A freeze that began while the request waited: nobody may approve into it (HTTP and chat alike).
    const plan = this.plan(check.deployment.service);
    const now = plan?.approval
      ? decideApproval({
          environment: 'production',
          at: check.at,
          policy: plan.approval,
          freezes: plan.freezes ?? [],
        })
      : undefined;
    if (now?.kind === 'blocked' && check.approval.decision !== 'reject')
      return { accepted: false, refusal: `frozen: ${now.reason} until ${now.until}` };
    const verdict = validateApprover({
      approver: check.approval.approver,
      groups: check.approval.groups,
      deployment: check.deployment,
      previousApprovals: check.previous,
      policy: policyOf(check.decision),
      now: check.at,
      waitingSince: check.waitingSince,
      decision: check.approval.decision,
    });
    return verdict.accepted
      ? { accepted: true }
      : { accepted: false, refusal: `${verdict.code}: ${verdict.reason}` };
  }
}
