import { Gateway, HTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1';
import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { Namespace, Service, ServiceAccount } from 'kubernetes-models/v1';
import { register } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseAllDocuments } from 'yaml';

/**
 * Validators of the generated kit: every Kubernetes object through the `kubernetes-models` class of its
 * apiVersion/kind (the OpenAPI schemas of Kubernetes, Gateway API and Argo CD), every workflow through
 * GitHub's own workflow parser.
 */

let parser: Promise<typeof import('@actions/workflow-parser')> | undefined;
/** Loaded once, after the JSON load hook is registered (the tests run from the repository root). */
function workflowParser(): Promise<typeof import('@actions/workflow-parser')> {
  if (!parser) {
    register(pathToFileURL(resolve('test/cli/init/json-hook.mjs')).href);
    parser = import('@actions/workflow-parser');
  }
  return parser;
}

type Obj = { apiVersion?: string; kind?: string } & Record<string, unknown>;
interface Model {
  validate(): void;
}
type ModelClass = new (data: never) => Model;

const MODELS: Record<string, ModelClass> = {
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'v1/Service': Service,
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'networking.k8s.io/v1/Ingress': Ingress,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'gateway.networking.k8s.io/v1/Gateway': Gateway,
  'gateway.networking.k8s.io/v1/HTTPRoute': HTTPRoute,
  'argoproj.io/v1alpha1/Application': Application,
};

/** Kustomize's own files are not cluster objects (kustomize checks them when it builds). */
const KUSTOMIZE = new Set(['Kustomization', 'Component']);

export function documents(text: string): Obj[] {
  return parseAllDocuments(text).map((d) => {
    if (d.errors.length > 0) throw new Error(d.errors.map((e) => e.message).join('; '));
    return d.toJS() as Obj;
  });
}

/** Validates one object against its schema; throws naming the object and the first violations. */
export function validateObject(obj: Obj): void {
  if (KUSTOMIZE.has(obj.kind ?? '')) return;
  const Model = MODELS[`${obj.apiVersion}/${obj.kind}`];
  if (!Model) throw new Error(`no schema for ${obj.apiVersion} ${obj.kind}`);
  new Model(obj as never).validate();
}

/** The parser's errors for one workflow file, and the converted template (jobs, events). */
export async function parseWorkflowText(name: string, content: string) {
  const { NoOperationTraceWriter, parseWorkflow } = await workflowParser();
  const result = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const errors = result.context.errors.getErrors().map((e) => e.message);
  return { errors, result };
}

export async function workflowTemplate(name: string, content: string) {
  const { result } = await parseWorkflowText(name, content);
  const { convertWorkflowTemplate } = await workflowParser();
  return convertWorkflowTemplate(result.context, result.value!);
}
