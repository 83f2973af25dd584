/**
 * Private: the state of the emulated trocket service and the lookups and checks its actions
 * share (instances, topics, groups, migration tasks; names, topic types, queue numbers).
 *
 * @module
 */
import { clone, intParam, stringParam } from "./_list.ts";
import { ApiError, type CallContext } from "./service.ts";
import {
  type GroupState,
  type InstanceState,
  type MigrationTaskState,
  type TopicState,
  trocketSeedData,
  type TrocketState,
} from "./trocket_data.ts";

/** Request parameters. */
export type Params = Record<string, unknown>;

/** Topic types of 5.x. */
export const TOPIC_TYPES = ["UNSPECIFIED", "NORMAL", "FIFO", "DELAY", "TRANSACTION"];
/** Instance types of 5.x. */
export const INSTANCE_TYPES = ["EXPERIMENT", "BASIC", "PRO", "PLATINUM"];
/** Topic, group and role names: 3–64 letters, digits, `-` and `_`. */
export const NAME = /^[A-Za-z0-9_-]{3,64}$/;
/** `TopicType` filter values of DescribeTopicList (4.x spelling) and their 5.x types. */
export const TOPIC_TYPE_ALIASES: Record<string, string> = {
  normal: "NORMAL",
  order: "FIFO",
  fifo: "FIFO",
  transaction: "TRANSACTION",
  delayscheduled: "DELAY",
  delay: "DELAY",
  unspecified: "UNSPECIFIED",
};

/** Rejects a topic, group or role name that is not 3–64 of `A-Za-z0-9_-`. */
export function checkName(kind: string, name: string): void {
  if (!NAME.test(name)) {
    throw new ApiError(
      "InvalidParameterValue",
      `${kind} \`${name}\` is invalid: 3 to 64 letters, digits, "-" or "_"`,
    );
  }
}

/** Rejects a topic type outside {@link TOPIC_TYPES}. */
export function checkTopicType(type: string, field = "TopicType"): void {
  if (!TOPIC_TYPES.includes(type)) {
    throw new ApiError(
      "InvalidParameterValue",
      `${field} \`${type}\` is invalid; use one of ${TOPIC_TYPES.join(", ")}`,
    );
  }
}

/** Rejects a queue number outside 1..128. */
export function checkQueueNum(queueNum: number, field = "QueueNum", min = 1, max = 128): void {
  if (!Number.isInteger(queueNum) || queueNum < min || queueNum > max) {
    throw new ApiError(
      "InvalidParameterValue",
      `${field} must be between ${min} and ${max}: got ${queueNum}`,
    );
  }
}

/** A copy of a `TagList` parameter, or `[]`. */
export function tags(value: unknown): Array<{ TagKey: string; TagValue: string }> {
  return Array.isArray(value) ? clone(value as Array<{ TagKey: string; TagValue: string }>) : [];
}

/** A boolean parameter, or `fallback`. */
export function bool(params: Params, name: string, fallback: boolean): boolean {
  const value = params[name];
  return typeof value === "boolean" ? value : fallback;
}

/** A string parameter, or `fallback`. */
export function str(params: Params, name: string, fallback: string): string {
  const value = params[name];
  return typeof value === "string" ? value : fallback;
}

/**
 * The trocket state with its lookups. Lookups throw the documented `ResourceNotFound.*`
 * codes; `add*` throw `UnsupportedOperation.ResourceAlreadyExists` and limit errors.
 */
export class TrocketStore {
  /** The whole state, as `/_emulator/state` shows it. */
  state: TrocketState = trocketSeedData();

  /** Resources of another region are invisible; a region-less call sees every region. */
  inRegion(region: string, ctx: CallContext): boolean {
    return ctx.region === "" || region === ctx.region;
  }

  /** The `InstanceId` instance of the call's region, or `ResourceNotFound.Instance`. */
  findInstance(params: Params, ctx: CallContext): InstanceState {
    const id = stringParam(params, "InstanceId");
    const found = this.state.instances.find((i) =>
      i.InstanceId === id && this.inRegion(i.Region, ctx)
    );
    if (found === undefined) {
      throw new ApiError(
        "ResourceNotFound.Instance",
        `The instance \`${id}\` does not exist in region ${ctx.region || "(none)"}.`,
      );
    }
    return found;
  }

  /** A topic of the instance, or `ResourceNotFound.Topic`. */
  findTopic(instance: InstanceState, name: string): TopicState {
    const found = instance.topics.find((t) => t.Topic === name);
    if (found === undefined) {
      throw new ApiError(
        "ResourceNotFound.Topic",
        `The topic \`${name}\` does not exist on instance ${instance.InstanceId}.`,
      );
    }
    return found;
  }

  /** A consumer group of the instance, or `ResourceNotFound.Group`. */
  findGroup(instance: InstanceState, name: string): GroupState {
    const found = instance.groups.find((g) => g.ConsumerGroup === name);
    if (found === undefined) {
      throw new ApiError(
        "ResourceNotFound.Group",
        `The consumer group \`${name}\` does not exist on instance ${instance.InstanceId}.`,
      );
    }
    return found;
  }

  /** The `TaskId` migration task of the call's region, or `ResourceNotFound`. */
  findTask(params: Params, ctx: CallContext): MigrationTaskState {
    const id = stringParam(params, "TaskId");
    const found = this.state.migrationTasks.find((t) =>
      t.TaskId === id && this.inRegion(t.Region, ctx)
    );
    if (found === undefined) {
      throw new ApiError("ResourceNotFound", `The migration task \`${id}\` does not exist.`);
    }
    return found;
  }

  /** The target instance of a migration task. */
  targetOf(task: MigrationTaskState): InstanceState {
    const target = this.state.instances.find((i) => i.InstanceId === task.InstanceId);
    if (target === undefined) {
      throw new ApiError(
        "ResourceNotFound.Instance",
        `The target instance \`${task.InstanceId}\` of task ${task.TaskId} does not exist.`,
      );
    }
    return target;
  }

  /** Adds a topic: `UnsupportedOperation.ResourceAlreadyExists`, `LimitExceeded.TopicNum`. */
  addTopic(instance: InstanceState, topic: TopicState): void {
    if (instance.topics.some((t) => t.Topic === topic.Topic)) {
      throw new ApiError(
        "UnsupportedOperation.ResourceAlreadyExists",
        `The topic \`${topic.Topic}\` already exists on instance ${instance.InstanceId}.`,
      );
    }
    if (instance.topics.length >= instance.TopicNumLimit) {
      throw new ApiError(
        "LimitExceeded.TopicNum",
        `Instance ${instance.InstanceId} already has its limit of ${instance.TopicNumLimit} topics.`,
      );
    }
    instance.topics.push(topic);
  }

  /** A new consumer group from request parameters, with defaults. */
  newGroup(name: string, params: Params, ctx: CallContext): GroupState {
    return {
      ConsumerGroup: name,
      ConsumeEnable: bool(params, "ConsumeEnable", true),
      ConsumeMessageOrderly: bool(params, "ConsumeMessageOrderly", false),
      MaxRetryTimes: intParam(params, "MaxRetryTimes", 16),
      Remark: str(params, "Remark", ""),
      CreateTime: ctx.now(),
      TagList: tags(params.TagList),
    };
  }

  /** Adds a group: `UnsupportedOperation.ResourceAlreadyExists`, `LimitExceeded`. */
  addGroup(instance: InstanceState, group: GroupState): void {
    if (instance.groups.some((g) => g.ConsumerGroup === group.ConsumerGroup)) {
      throw new ApiError(
        "UnsupportedOperation.ResourceAlreadyExists",
        `The consumer group \`${group.ConsumerGroup}\` already exists on instance ${instance.InstanceId}.`,
      );
    }
    if (instance.groups.length >= instance.GroupNumLimit) {
      throw new ApiError(
        "LimitExceeded",
        `Instance ${instance.InstanceId} already has its limit of ${instance.GroupNumLimit} groups.`,
      );
    }
    instance.groups.push(group);
  }
}
