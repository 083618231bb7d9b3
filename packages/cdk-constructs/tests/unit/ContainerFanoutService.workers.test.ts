import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ContainerFanoutService, TradeStream } from '../../src/index.js';
import {
  CONTAINER_FIXTURE,
  nagFindings,
  newStack,
  SYNTH_TIMEOUT,
  templateOf,
} from './helpers/cdk.js';

/** The container environment of the one task definition of `template`, as a record. */
function environmentOf(template: Template): Record<string, unknown> {
  const definitions = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
  const [container] = (definitions[0]?.Properties.ContainerDefinitions ?? []) as Array<{
    Environment: Array<{ Name: string; Value: unknown }>;
  }>;
  return Object.fromEntries(container!.Environment.map(({ Name, Value }) => [Name, Value]));
}

/** Every ingress rule of the template, standalone or inline in a security group. */
function ingressRules(template: Template): Array<Record<string, unknown>> {
  return [
    ...Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map(
      (rule) => rule.Properties as Record<string, unknown>,
    ),
    ...Object.values(template.findResources('AWS::EC2::SecurityGroup')).flatMap(
      (group) => (group.Properties.SecurityGroupIngress ?? []) as Array<Record<string, unknown>>,
    ),
  ];
}

describe('ContainerFanoutService workers (FANOUT_WORKERS)', { timeout: SYNTH_TIMEOUT }, () => {
  let template: Template;
  let findings: ReturnType<typeof nagFindings>;

  beforeAll(() => {
    const { stack, app } = newStack();
    const trades = new TradeStream(stack, 'Trades', { alarms: false });
    new ContainerFanoutService(stack, 'Nodes', {
      stream: trades.stream,
      dockerfileDirectory: CONTAINER_FIXTURE,
      cpu: 4096,
      memoryLimitMiB: 8192,
      maxCapacity: 8,
    });
    template = templateOf(stack);
    findings = nagFindings(app);
  }, SYNTH_TIMEOUT);

  it('gives a 4-vCPU task FANOUT_WORKERS=4', () => {
    // Arrange / Act: the stack above.

    // Assert
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '4096' });
    expect(environmentOf(template)).toMatchObject({ FANOUT_WORKERS: '4', PORT: '8080' });
  });

  it('opens only the traffic port to the load balancer, not the admin port (PORT + 1)', () => {
    // Arrange / Act: the stack above.
    const ports = ingressRules(template).flatMap((rule) =>
      rule.FromPort === undefined ? [] : [rule.FromPort, rule.ToPort],
    );

    // Assert
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({ PortMappings: [Match.objectLike({ ContainerPort: 8080 })] }),
      ],
    });
    expect(ports).toContain(8080);
    expect(ports).not.toContain(8081);
  });

  it('passes cdk-nag AwsSolutions with no unacknowledged errors', () => {
    // Arrange / Act: the stack above.

    // Assert
    expect(findings.filter((finding) => finding.severity === 'error')).toEqual([]);
  });

  it.each([
    [256, undefined, '1'],
    [512, undefined, '1'],
    [2048, undefined, '2'],
    [16384, undefined, '16'],
    [4096, '1', '1'],
    [4096, 'auto', 'auto'],
  ])('with cpu %i and environment FANOUT_WORKERS %j passes %j', (cpu, given, expected) => {
    // Arrange
    const { stack } = newStack();
    const trades = new TradeStream(stack, 'Trades', { alarms: false });

    // Act
    new ContainerFanoutService(stack, 'Nodes', {
      stream: trades.stream,
      dockerfileDirectory: CONTAINER_FIXTURE,
      cpu,
      memoryLimitMiB: cpu * 2,
      maxCapacity: 8,
      ...(given === undefined ? {} : { environment: { FANOUT_WORKERS: given } }),
    });

    // Assert
    expect(environmentOf(templateOf(stack)).FANOUT_WORKERS).toBe(expected);
  });
});
