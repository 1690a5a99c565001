/**
 * A loopback HTTP server that speaks just enough of the EC2 Query API (form-encoded POST in,
 * XML out; docs.aws.amazon.com/AWSEC2/latest/APIReference/Query-Requests.html) for
 * DescribeLaunchTemplates and CreateLaunchTemplateVersion, recording every request. Tests point
 * the real SDK at it; nothing ever reaches AWS.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One recorded API call: the Action and all form parameters. */
export interface Ec2Call {
  action: string;
  params: Record<string, string>;
}

/** A launch template the fake knows. */
export interface FakeTemplate {
  id: string;
  name: string;
  latest: number;
  default: number;
}

/** The running fake. */
export interface FakeEc2 {
  endpoint: string;
  calls: Ec2Call[];
  templates: FakeTemplate[];
  close(): Promise<void>;
}

const NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

function errorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>fake-request</RequestID></Response>`;
}

function handle(call: Ec2Call, templates: FakeTemplate[]): { status: number; body: string } {
  const p = call.params;
  if (call.action === 'DescribeLaunchTemplates') {
    const id = p['LaunchTemplateId.1'];
    const name = p['LaunchTemplateName.1'];
    const t = templates.find((x) => (id !== undefined && x.id === id) || (name !== undefined && x.name === name));
    if (!t) {
      return id !== undefined
        ? { status: 400, body: errorXml('InvalidLaunchTemplateId.NotFound', `The specified launch template, with template ID ${id}, does not exist.`) }
        : { status: 400, body: errorXml('InvalidLaunchTemplateName.NotFoundException', `At least one of the launch templates specified in the request does not exist.`) };
    }
    const item = `<item><launchTemplateId>${t.id}</launchTemplateId><launchTemplateName>${t.name}</launchTemplateName><defaultVersionNumber>${t.default}</defaultVersionNumber><latestVersionNumber>${t.latest}</latestVersionNumber></item>`;
    return { status: 200, body: `<DescribeLaunchTemplatesResponse xmlns="${NS}"><requestId>fake</requestId><launchTemplates>${item}</launchTemplates></DescribeLaunchTemplatesResponse>` };
  }
  if (call.action === 'CreateLaunchTemplateVersion') {
    const t = templates.find((x) => x.id === p.LaunchTemplateId || x.name === p.LaunchTemplateName);
    if (!t) return { status: 400, body: errorXml('InvalidLaunchTemplateId.NotFound', 'The specified launch template does not exist.') };
    if (p.SourceVersion !== undefined && Number(p.SourceVersion) > t.latest) return { status: 400, body: errorXml('InvalidLaunchTemplateId.VersionNotFound', `Could not find launch template version ${p.SourceVersion}.`) };
    if (p.DryRun === 'true') return { status: 412, body: errorXml('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.') };
    t.latest += 1;
    const v = `<launchTemplateVersion><launchTemplateId>${t.id}</launchTemplateId><launchTemplateName>${t.name}</launchTemplateName><versionNumber>${t.latest}</versionNumber><defaultVersion>false</defaultVersion></launchTemplateVersion>`;
    return { status: 200, body: `<CreateLaunchTemplateVersionResponse xmlns="${NS}"><requestId>fake</requestId>${v}</CreateLaunchTemplateVersionResponse>` };
  }
  return { status: 400, body: errorXml('InvalidAction', `The action ${call.action} is not valid for this web service.`) };
}

/** Starts the fake on 127.0.0.1 with the given templates (copied, then mutated by calls). */
export async function startFakeEc2(templates: FakeTemplate[]): Promise<FakeEc2> {
  const calls: Ec2Call[] = [];
  const state = templates.map((t) => ({ ...t }));
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      const call = { action: params.Action ?? '', params };
      calls.push(call);
      const { status, body } = handle(call, state);
      res.writeHead(status, { 'content-type': 'text/xml;charset=UTF-8' });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    templates: state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
