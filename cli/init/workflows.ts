import type { KitContext } from './context.js';

/**
 * The service's build (the seed's stages 1-3) as one GitHub Actions workflow. Its job names are the
 * check names Gantry's ci-status gate waits for (`lint`, `unit-tests`, `build` in the example), and the
 * image carries the OCI labels and annotations Gantry's provenance reads (docs/triggers.md).
 */

type Obj = Record<string, unknown>;

const CHECKOUT = { uses: 'actions/checkout@v4' };
const DOTNET = { uses: 'actions/setup-dotnet@v4', with: { 'dotnet-version': '8.0.x' } };

export const buildWorkflowFile = (ctx: KitContext): string => `${ctx.prod.deployment}-build.yml`;

/** The job ids the workflow defines, in the order they appear; the ci-status checks must be among them. */
export const BUILD_JOBS = ['lint', 'unit-tests', 'sca', 'sast', 'secret-scan', 'build'] as const;

const project = (ctx: KitContext) => `src/${ctx.service}/${ctx.service}.csproj`;

function qualityJobs(ctx: KitContext): Obj {
  return {
    lint: {
      name: 'lint',
      'runs-on': 'ubuntu-latest',
      steps: [
        CHECKOUT,
        DOTNET,
        {
          name: 'dotnet format',
          run: `dotnet format ${project(ctx)} --verify-no-changes --verbosity diagnostic`,
        },
        {
          name: 'hadolint',
          uses: 'hadolint/hadolint-action@v3.1.0',
          with: { dockerfile: `src/${ctx.service}/Dockerfile` },
        },
      ],
    },
    'unit-tests': {
      name: 'unit-tests',
      'runs-on': 'ubuntu-latest',
      steps: [
        CHECKOUT,
        DOTNET,
        { run: 'dotnet restore --locked-mode' },
        { run: 'dotnet build --no-restore --configuration Release' },
        {
          name: 'Unit tests (coverage threshold 80%)',
          run: 'dotnet test --no-build --configuration Release --filter "Category!=Integration" --logger "trx;LogFileName=test-results.trx" /p:CollectCoverage=true /p:CoverletOutputFormat=cobertura /p:Threshold=80',
        },
      ],
    },
  };
}

function securityJobs(): Obj {
  return {
    sca: {
      name: 'sca',
      'runs-on': 'ubuntu-latest',
      steps: [
        CHECKOUT,
        {
          name: 'Snyk (fails on high and critical)',
          uses: 'snyk/actions/dotnet@master',
          env: { SNYK_TOKEN: '${{ secrets.SNYK_TOKEN }}' },
          with: { args: '--severity-threshold=high --fail-on=all' },
        },
      ],
    },
    sast: {
      name: 'sast',
      'runs-on': 'ubuntu-latest',
      permissions: { contents: 'read', 'security-events': 'write' },
      steps: [
        CHECKOUT,
        {
          uses: 'github/codeql-action/init@v3',
          with: { languages: 'csharp', queries: 'security-and-quality' },
        },
        { uses: 'github/codeql-action/autobuild@v3' },
        { uses: 'github/codeql-action/analyze@v3' },
      ],
    },
    'secret-scan': {
      name: 'secret-scan',
      'runs-on': 'ubuntu-latest',
      steps: [
        { uses: 'actions/checkout@v4', with: { 'fetch-depth': 0 } },
        {
          name: 'TruffleHog (verified secrets fail the build)',
          uses: 'trufflesecurity/trufflehog@main',
          with: { extra_args: '--only-verified' },
        },
      ],
    },
  };
}

/** `--key` for key-based signing (the signature gate's key), keyless (Sigstore, GitHub OIDC) otherwise. */
const keyFlag = (ctx: KitContext): string => (ctx.signingKey ? ` --key '${ctx.signingKey}'` : '');

/** Azure login by OIDC federated credential, then an ACR token from it: no stored password anywhere. */
function loginSteps(ctx: KitContext): Obj[] {
  const registryName = ctx.imageName.split('.')[0] as string;
  return [
    {
      name: 'Azure login (OIDC federated credential, no stored secret)',
      uses: 'azure/login@v2',
      with: {
        'client-id': '${{ vars.AZURE_CLIENT_ID }}',
        'tenant-id': '${{ vars.AZURE_TENANT_ID }}',
        'subscription-id': '${{ vars.AZURE_SUBSCRIPTION_ID }}',
      },
    },
    { name: 'ACR login (token from the Azure login)', run: `az acr login --name ${registryName}` },
  ];
}

/** Sign the pushed digest and attest its SPDX SBOM, with the signature gate's key (or keyless). */
function signingSteps(ctx: KitContext, pinned: string): Obj[] {
  return [
    { uses: 'sigstore/cosign-installer@v3' },
    { name: 'Sign the image by digest', run: `cosign sign --yes${keyFlag(ctx)} ${pinned}` },
    {
      name: 'SBOM (SPDX, Syft)',
      uses: 'anchore/sbom-action@v0',
      with: { image: pinned, format: 'spdx-json', 'output-file': 'sbom.spdx.json' },
    },
    {
      name: 'Attest the SBOM',
      run: `cosign attest --yes${keyFlag(ctx)} --type spdxjson --predicate sbom.spdx.json ${pinned}`,
    },
  ];
}

function buildSteps(ctx: KitContext): Obj[] {
  const pinned = `${ctx.imageName}@\${{ steps.push.outputs.digest }}`;
  return [
    CHECKOUT,
    ...loginSteps(ctx),
    { uses: 'docker/setup-buildx-action@v3' },
    {
      id: 'meta',
      uses: 'docker/metadata-action@v5',
      env: { DOCKER_METADATA_ANNOTATIONS_LEVELS: 'index,manifest' },
      with: {
        images: ctx.imageName,
        tags: 'type=semver,pattern={{version}}\ntype=sha\ntype=raw,value=latest,enable={{is_default_branch}}\n',
      },
    },
    {
      name: 'Build (loaded locally for the scan)',
      uses: 'docker/build-push-action@v6',
      with: {
        context: '.',
        file: `src/${ctx.service}/Dockerfile`,
        load: true,
        tags: `${ctx.imageName}:scan`,
        labels: '${{ steps.meta.outputs.labels }}',
        'cache-from': 'type=gha',
        'cache-to': 'type=gha,mode=max',
      },
    },
    {
      name: 'Trivy (fails on HIGH and CRITICAL)',
      uses: 'aquasecurity/trivy-action@0.28.0',
      with: {
        'image-ref': `${ctx.imageName}:scan`,
        severity: 'CRITICAL,HIGH',
        'exit-code': '1',
        'ignore-unfixed': true,
      },
    },
    {
      id: 'push',
      name: 'Push with OCI labels and annotations (revision, source, version)',
      uses: 'docker/build-push-action@v6',
      with: {
        context: '.',
        file: `src/${ctx.service}/Dockerfile`,
        push: true,
        tags: '${{ steps.meta.outputs.tags }}',
        labels: '${{ steps.meta.outputs.labels }}',
        annotations: '${{ steps.meta.outputs.annotations }}',
        'cache-from': 'type=gha',
      },
    },
    ...signingSteps(ctx, pinned),
  ];
}

export function buildWorkflow(ctx: KitContext): Obj {
  return {
    name: `${ctx.prod.deployment} build`,
    on: {
      push: {
        branches: ['main'],
        tags: ['v*'],
        paths: [`src/${ctx.service}/**`, `.github/workflows/${buildWorkflowFile(ctx)}`],
      },
      pull_request: { paths: [`src/${ctx.service}/**`] },
    },
    permissions: { contents: 'read' },
    concurrency: { group: `${ctx.prod.deployment}-build-\${{ github.ref }}`, 'cancel-in-progress': true },
    jobs: {
      ...qualityJobs(ctx),
      ...securityJobs(),
      build: {
        name: 'build',
        needs: ['lint', 'unit-tests', 'sca', 'sast', 'secret-scan'],
        if: "github.event_name == 'push'",
        'runs-on': 'ubuntu-latest',
        environment: 'build',
        // id-token: the Azure OIDC login (and keyless cosign); packages stays read.
        permissions: { contents: 'read', 'id-token': 'write' },
        outputs: { digest: '${{ steps.push.outputs.digest }}' },
        steps: buildSteps(ctx),
      },
    },
  };
}
