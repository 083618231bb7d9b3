import { HISTORY_TABLE_KEYS } from '@market-stream/core';
import { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.js';
import { ConstructPropsError } from '../errors.js';
import { cdkTableKeys } from '../internal/tableKeys.js';
import { createThresholdAlarm } from '../internal/thresholdAlarm.js';

/**
 * Props of {@link TradeHistoryTable}. Give `existingTable` or `tableProps`, not both.
 *
 * @example
 * ```ts
 * import { RemovalPolicy } from 'aws-cdk-lib';
 * import type { TradeHistoryTableProps } from '@market-stream/cdk-constructs';
 *
 * const props: TradeHistoryTableProps = { tableProps: { removalPolicy: RemovalPolicy.DESTROY } };
 * ```
 */
export interface TradeHistoryTableProps {
  /**
   * Use this table instead of creating one. It must have the sinks' key design: `pk` (string,
   * the symbol) and `sk` (string, zero-padded timestamp and seq).
   * @default - a new table
   */
  readonly existingTable?: dynamodb.ITable;
  /**
   * Settings of the new table, merged over the defaults. The key schema is fixed by the sinks'
   * item design and cannot be changed here.
   * @default - on-demand billing, point-in-time recovery, AWS managed KMS encryption, TTL on
   * `ttl`, retained on stack deletion
   */
  readonly tableProps?: Omit<dynamodb.TableProps, 'partitionKey' | 'sortKey'>;
  /**
   * Create the write-throttle alarm.
   * @default true (`DEFAULTS.alarms`)
   */
  readonly alarms?: boolean;
}

/**
 * The DynamoDB table of trade history, in the item design of `@market-stream/sinks`' `toDynamo`:
 * `pk` = symbol, `sk` = zero-padded timestamp and seq (so a Query per symbol returns trades in
 * time order and a replayed trade overwrites itself), `ttl` in epoch seconds.
 *
 * Guarantees: encrypted at rest with KMS, point-in-time recovery on, items expire by TTL (the
 * sinks default to 7 days), retained when the stack is deleted unless you set a removal policy.
 *
 * @example
 * ```ts
 * import { TradeHistoryTable } from '@market-stream/cdk-constructs';
 *
 * const history = new TradeHistoryTable(stack, 'History');
 * history.grantWriteData(processor.function);
 * history.grantQuery(apiFunction);
 * ```
 */
export class TradeHistoryTable extends Construct {
  /** The table (created or the one passed as `existingTable`). */
  readonly table: dynamodb.ITable;
  /** Fires on throttled writes; undefined when `alarms: false`. */
  readonly writeThrottleAlarm?: cloudwatch.Alarm;

  /**
   * @param scope - The parent construct.
   * @param id - The construct id.
   * @param props - See {@link TradeHistoryTableProps}.
   * @throws ConstructPropsError when both `existingTable` and `tableProps` are given.
   */
  constructor(scope: Construct, id: string, props: TradeHistoryTableProps = {}) {
    super(scope, id);
    if (props.existingTable && props.tableProps) {
      throw new ConstructPropsError(
        'TradeHistoryTable',
        'give existingTable or tableProps, not both',
      );
    }
    this.table =
      props.existingTable ??
      new dynamodb.Table(this, 'Table', {
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        encryption: dynamodb.TableEncryption.AWS_MANAGED,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        timeToLiveAttribute: DEFAULTS.history.ttlAttribute,
        ...props.tableProps,
        ...cdkTableKeys(HISTORY_TABLE_KEYS),
      });
    if (props.alarms ?? DEFAULTS.alarms) {
      this.writeThrottleAlarm = createThresholdAlarm(
        this,
        'WriteThrottleAlarm',
        this.metricWriteThrottles(),
        { description: 'Trade history writes are throttled', threshold: 1, evaluationPeriods: 1 },
      );
    }
  }

  /** The table's name. */
  get tableName(): string {
    return this.table.tableName;
  }

  /**
   * Lets `grantee` write items (PutItem, BatchWriteItem, UpdateItem, DeleteItem). Named actions.
   * @param grantee - A role or function.
   * @returns The grant.
   */
  grantWriteData(grantee: iam.IGrantable): iam.Grant {
    return this.table.grantWriteData(grantee);
  }

  /**
   * Lets `grantee` read items (Query, GetItem, BatchGetItem, Scan). Named actions.
   * @param grantee - A role or function.
   * @returns The grant.
   */
  grantReadData(grantee: iam.IGrantable): iam.Grant {
    return this.table.grantReadData(grantee);
  }

  /**
   * Lets `grantee` run Query only — all that `queryTrades` / `queryBars` need.
   * @param grantee - A role or function.
   * @returns The grant.
   */
  grantQuery(grantee: iam.IGrantable): iam.Grant {
    return this.table.grant(grantee, 'dynamodb:Query');
  }

  /**
   * Write requests throttled (sum, 1 minute).
   * @param props - Overrides for period, statistic, label.
   * @returns The metric.
   */
  metricWriteThrottles(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.table.metric('WriteThrottleEvents', {
      statistic: 'Sum',
      period: Duration.minutes(1),
      ...props,
    });
  }

  /**
   * Write capacity consumed (sum, 1 minute) — what on-demand billing charges for.
   * @param props - Overrides for period, statistic, label.
   * @returns The metric.
   */
  metricConsumedWriteCapacity(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.table.metricConsumedWriteCapacityUnits({
      period: Duration.minutes(1),
      ...props,
    });
  }
}
