/**
 * Private: the smooth-migration actions of the emulated trocket service. A task lists the
 * topics and consumer groups of its source cluster; importing them creates them on the task's
 * target instance and records each item's import status.
 *
 * @module
 */
import { clone, filters, fuzzy, intParam, oneOf, page, stringParam } from "./_list.ts";
import {
  bool,
  checkQueueNum,
  checkTopicType,
  type Params,
  str,
  type TrocketStore,
} from "./_trocket_store.ts";
import { ApiError, type ServiceEmulator } from "./service.ts";
import type { MigrationTaskState, SourceTopicState } from "./trocket_data.ts";

/** DescribeSmoothMigrationTaskList, DescribeMigratingTopicList, imports and the rest. */
export function migrationActions(store: TrocketStore): ServiceEmulator["actions"] {
  return {
    DescribeSmoothMigrationTaskList(params, ctx) {
      const f = filters(params, ["TaskId", "TaskName", "TaskStatus", "InstanceId"]);
      const matches = store.state.migrationTasks.filter((t) =>
        store.inRegion(t.Region, ctx) && oneOf(t.TaskId, f.get("TaskId")) &&
        fuzzy(t.TaskName, f.get("TaskName")) && oneOf(t.TaskStatus, f.get("TaskStatus")) &&
        oneOf(t.InstanceId, f.get("InstanceId"))
      );
      const { TotalCount, page: items } = page(matches, params);
      return {
        TotalCount,
        Data: items.map((t) => ({
          TaskId: t.TaskId,
          TaskName: t.TaskName,
          SourceClusterName: t.SourceClusterName,
          InstanceId: t.InstanceId,
          ConnectionType: t.ConnectionType,
          SourceNameServer: t.SourceNameServer,
          TaskStatus: t.TaskStatus,
          InstanceVersion: t.InstanceVersion,
        })),
      };
    },
    DeleteSmoothMigrationTask(params, ctx) {
      const task = store.findTask(params, ctx);
      store.state.migrationTasks = store.state.migrationTasks.filter((t) => t !== task);
      return {};
    },
    DescribeMigratingTopicList(params, ctx) {
      const task = store.findTask(params, ctx);
      const f = filters(params, ["TopicName"]);
      const matches = task.sourceTopics.filter((t) => fuzzy(t.TopicName, f.get("TopicName")));
      const { TotalCount, page: items } = page(matches, params);
      return {
        TotalCount,
        MigrateTopics: items.map((t) => ({
          TopicName: t.TopicName,
          MigrationStatus: t.MigrationStatus,
          HealthCheckPassed: t.HealthCheckPassed,
          HealthCheckError: healthError(t),
          HealthCheckErrorList: t.HealthCheckPassed ? [] : [healthError(t)],
        })),
      };
    },
    DescribeSourceClusterGroupList(params, ctx) {
      const task = store.findTask(params, ctx);
      const f = filters(params, ["GroupName", "Imported", "ImportStatus"]);
      const matches = task.sourceGroups.filter((g) =>
        fuzzy(g.GroupName, f.get("GroupName")) && oneOf(String(g.Imported), f.get("Imported")) &&
        oneOf(g.ImportStatus, f.get("ImportStatus"))
      );
      const { TotalCount, page: items } = page(matches, params);
      return { TotalCount, Groups: clone(items) };
    },
    ImportSourceClusterTopics(params, ctx) {
      const task = store.findTask(params, ctx);
      const target = store.targetOf(task);
      const list = (params.TopicList ?? []) as Params[];
      // Check every entry before changing anything: an import is all or nothing.
      const plan = list.map((item, index) => {
        const name = stringParam(item, "TopicName");
        const source = task.sourceTopics.find((t) => t.TopicName === name);
        if (source === undefined) {
          throw new ApiError(
            "InvalidParameterValue",
            `TopicList[${index}].TopicName: topic \`${name}\` is not in source cluster ` +
              `${task.SourceClusterName} of task ${task.TaskId}`,
          );
        }
        const type = stringParam(item, "TopicType");
        checkTopicType(type, `TopicList[${index}].TopicType`);
        const queueNum = intParam(item, "QueueNum", source.QueueNum);
        checkQueueNum(queueNum, `TopicList[${index}].QueueNum`);
        return { source, type, queueNum, remark: str(item, "Remark", source.Remark) };
      });
      for (const { source, type, queueNum, remark } of plan) {
        if (target.topics.some((t) => t.Topic === source.TopicName)) {
          source.ImportStatus = "AlreadyExists";
        } else {
          store.addTopic(target, {
            Topic: source.TopicName,
            TopicType: type,
            QueueNum: queueNum,
            Remark: remark,
            MsgTTL: target.MessageRetention,
            CreatedTime: ctx.now(),
            TagList: [],
          });
          source.ImportStatus = "Success";
        }
        source.Imported = true;
      }
      return {};
    },
    ImportSourceClusterConsumerGroups(params, ctx) {
      const task = store.findTask(params, ctx);
      const target = store.targetOf(task);
      const list = (params.GroupList ?? []) as Params[];
      const plan = list.map((item, index) => {
        const name = stringParam(item, "GroupName");
        const source = task.sourceGroups.find((g) => g.GroupName === name);
        if (source === undefined) {
          throw new ApiError(
            "InvalidParameterValue",
            `GroupList[${index}].GroupName: group \`${name}\` is not in source cluster ` +
              `${task.SourceClusterName} of task ${task.TaskId}`,
          );
        }
        return { source, item };
      });
      for (const { source, item } of plan) {
        if (target.groups.some((g) => g.ConsumerGroup === source.GroupName)) {
          source.ImportStatus = "AlreadyExists";
        } else {
          store.addGroup(
            target,
            store.newGroup(source.GroupName, {
              ConsumeMessageOrderly: bool(
                item,
                "ConsumeMessageOrderly",
                source.ConsumeMessageOrderly,
              ),
              Remark: str(item, "Remark", source.Remark),
            }, ctx),
          );
          source.ImportStatus = "Success";
        }
        source.Imported = true;
      }
      return {};
    },
    DoHealthCheckOnMigratingTopic(params, ctx) {
      const task = store.findTask(params, ctx);
      const topic = migratingTopic(task, stringParam(params, "TopicName"));
      const target = store.targetOf(task);
      const reasons: string[] = [];
      if (!topic.Imported) reasons.push("TopicNotImported");
      else if (!target.topics.some((t) => t.Topic === topic.TopicName)) {
        reasons.push("TopicNotExistsInTargetCluster");
      }
      topic.HealthCheckPassed = reasons.length === 0 || bool(params, "IgnoreCheck", false);
      return { Passed: topic.HealthCheckPassed, Reason: reasons[0] ?? "", ReasonList: reasons };
    },
    ChangeMigratingTopicToNextStage(params, ctx) {
      const task = store.findTask(params, ctx);
      const names = (params.TopicNameList ?? []) as string[];
      return {
        Results: names.map((name) => {
          const topic = task.sourceTopics.find((t) => t.TopicName === name);
          const stage = topic === undefined ? -1 : STAGES.indexOf(topic.MigrationStatus);
          const success = topic !== undefined && topic.Imported && topic.HealthCheckPassed &&
            stage >= 0 && stage < STAGES.length - 1;
          if (success) {
            topic.MigrationStatus = STAGES[stage + 1]!;
            topic.HealthCheckPassed = false; // the next stage needs a new check
          }
          return { TopicName: name, Success: success };
        }),
      };
    },
    RollbackMigratingTopicStage(params, ctx) {
      const task = store.findTask(params, ctx);
      const topic = migratingTopic(task, stringParam(params, "TopicName"));
      const stage = STAGES.indexOf(topic.MigrationStatus);
      if (stage <= 0) {
        throw new ApiError(
          "FailedOperation",
          `Topic \`${topic.TopicName}\` is at the first stage ${topic.MigrationStatus}; there is nothing to roll back.`,
        );
      }
      topic.MigrationStatus = STAGES[stage - 1]!;
      topic.HealthCheckPassed = false;
      return {};
    },
    RemoveMigratingTopic(params, ctx) {
      const task = store.findTask(params, ctx);
      const topic = migratingTopic(task, stringParam(params, "TopicName"));
      task.sourceTopics = task.sourceTopics.filter((t) => t !== topic);
      return {};
    },
  };
}

/** The switch-over stages of a migrating topic, in order. */
export const STAGES = ["S_RW_D_NA", "S_RW_D_R", "S_RW_D_RW", "S_R_D_RW", "S_NA_D_RW"];

function migratingTopic(task: MigrationTaskState, name: string): SourceTopicState {
  const topic = task.sourceTopics.find((t) => t.TopicName === name);
  if (topic === undefined) {
    throw new ApiError(
      "ResourceNotFound.Topic",
      `Topic \`${name}\` is not part of migration task ${task.TaskId}.`,
    );
  }
  return topic;
}

function healthError(topic: SourceTopicState): string {
  if (!topic.Imported) return "TopicNotImported";
  return topic.HealthCheckPassed ? "" : "NotChecked";
}
