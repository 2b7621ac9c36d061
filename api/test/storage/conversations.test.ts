// Storage for conversations against Azurite: rooms and their unique names under concurrency,
// member counts, read positions that only move forward, bounded unread counts, and the one-time
// migration of what the seed stored.
import { randomUUID } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directConversationId } from '../../src/conversations/conversation-id.js';
import { listConversations } from '../../src/conversations/summaries.js';
import type { ChatMessage } from '../../src/shared/chat-message.js';
import { MAX_UNREAD } from '../../src/shared/conversation.js';
import {
  createChatStorage,
  readStorageSettings,
  RoomNameTakenError,
  TABLE_NAMES,
  type ChatStorage,
} from '../../src/storage/index.js';
import {
  claimPartition,
  legacyUserPartition,
  newestFirstKey,
  oldestFirstKey,
} from '../../src/storage/keys.js';
import { startAzurite, type AzuriteTables } from '../support/azurite.js';
import { ALICE, BOB, CAROL, privateMessage, roomMessage } from './seed.js';

let azurite: AzuriteTables;
let storage: ChatStorage;

beforeAll(async () => {
  azurite = await startAzurite();
  storage = createChatStorage(
    readStorageSettings({ ChatStorageConnectionString: azurite.connectionString }),
    { timeoutMs: 30_000 },
  );
});

afterAll(async () => {
  await azurite?.stop();
});

const newRoom = (name: string, visibility: 'public' | 'private' = 'public') => ({
  id: randomUUID(),
  name,
  visibility,
  createdBy: ALICE.id,
  createdAt: new Date().toISOString(),
});

describe('rooms', () => {
  it('lets exactly one of many concurrent creations take a name, ignoring case', async () => {
    const attempts = await Promise.allSettled(
      ['Kitchen', 'kitchen', 'KITCHEN', 'kItChEn', 'Kitchen'].map((name) =>
        storage.rooms.createRoom(newRoom(name)),
      ),
    );
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    for (const failed of attempts.filter((a) => a.status === 'rejected')) {
      expect((failed as PromiseRejectedResult).reason).toBeInstanceOf(RoomNameTakenError);
    }
    const listed = (await storage.rooms.listPublicRooms()).filter(
      (r) => r.name.toLowerCase() === 'kitchen',
    );
    expect(listed).toHaveLength(1);
  });

  it('counts every one of many concurrent joins, and lists only public rooms', async () => {
    const room = await storage.rooms.createRoom(newRoom(`busy-${randomUUID()}`));
    const hidden = await storage.rooms.createRoom(newRoom(`hidden-${randomUUID()}`, 'private'));
    const people = Array.from({ length: 12 }, (_, i) => ({ id: `joiner-${i}`, name: `j${i}` }));
    await Promise.all(
      people.map(async (person) => {
        if (await storage.memberships.addRoomMember(room.id, person, new Date())) {
          await storage.rooms.changeMemberCount(room.id, +1);
        }
      }),
    );
    // Joining twice is one member.
    expect(await storage.memberships.addRoomMember(room.id, people[0]!, new Date())).toBe(false);
    expect((await storage.rooms.getRoom(room.id))?.memberCount).toBe(12);
    expect(await storage.memberships.listRoomMembers(room.id)).toHaveLength(12);
    const listed = (await storage.rooms.listPublicRooms()).map((r) => r.id);
    expect(listed).toContain(room.id);
    expect(listed).not.toContain(hidden.id);
  });
});

describe('read positions and unread counts', () => {
  it('keep the furthest of concurrent moves, and never move back', async () => {
    const roomId = randomUUID();
    const base = Date.now() - 60_000;
    const label = { kind: 'room' as const, name: 'r', visibility: 'public' as const };
    const positions = Array.from({ length: 10 }, (_, i) => ({ ms: base + i, id: randomUUID() }));
    await Promise.all(
      positions.map((position) =>
        storage.memberships.moveReadPosition(BOB.id, roomId, position, label, new Date()),
      ),
    );
    const furthest = positions.at(-1)!;
    expect((await storage.memberships.getMembership(BOB.id, roomId))?.readPosition).toEqual(
      furthest,
    );
    const back = await storage.memberships.moveReadPosition(
      BOB.id,
      roomId,
      positions[0]!,
      label,
      new Date(),
    );
    expect(back.readPosition).toEqual(furthest);
  });

  it("count others' messages after the read position, stopping above MAX_UNREAD", async () => {
    const roomId = randomUUID();
    const base = Date.now() - 3_600_000;
    const messages = Array.from({ length: 130 }, (_, i) =>
      roomMessage(roomId, i % 2 ? ALICE : CAROL, new Date(base + i), `m${i}`),
    );
    const mine = Array.from({ length: 60 }, (_, i) =>
      roomMessage(roomId, BOB, new Date(base + 200 + i), `mine ${i}`),
    );
    await storage.importMessages([...messages, ...mine]);
    expect((await storage.unreadPositions(roomId, undefined, BOB.id)).positions.length).toBe(
      MAX_UNREAD + 1,
    );
    const at = (message: ChatMessage) => ({ ms: Date.parse(message.sentAt), id: message.id });
    expect(
      (await storage.unreadPositions(roomId, at(messages[119]!), BOB.id)).positions.length,
    ).toBe(10);
    // Bob's own 60 messages after the last of theirs are never news to him.
    expect(
      (await storage.unreadPositions(roomId, at(messages[129]!), BOB.id)).positions.length,
    ).toBe(0);
    expect(
      (await storage.unreadPositions(roomId, at(messages[129]!), ALICE.id)).positions.length,
    ).toBe(60);
    expect((await storage.readLastMessage(roomId))?.message.id).toBe(mine.at(-1)!.id);
  });
});

describe('the migration of what the seed stored', () => {
  it('moves private messages into direct conversations once, read up to their newest', async () => {
    const { connectionString } = azurite;
    const timeline = TableClient.fromConnectionString(connectionString, TABLE_NAMES.timeline, {
      allowInsecureConnection: true,
    });
    const claims = TableClient.fromConnectionString(connectionString, TABLE_NAMES.messageIds, {
      allowInsecureConnection: true,
    });
    await storage.listTimeline('general'); // creates the tables
    const base = Date.now() - 86_400_000;
    // As the seed wrote them: no conversation id; public rows in `room`, private ones in both
    // people's partitions; claims without a conversation id either.
    const seedRows = async (message: ChatMessage, partitions: string[]) => {
      const { conversationId: _dropped, ...rest } = message;
      const properties = {
        messageId: rest.id,
        text: rest.text,
        senderId: rest.sender.id,
        senderName: rest.sender.name,
        isPrivate: rest.isPrivate,
        sentAt: rest.sentAt,
        ...(rest.recipient
          ? { recipientId: rest.recipient.id, recipientName: rest.recipient.name }
          : {}),
      };
      const position = { ms: Date.parse(rest.sentAt), id: rest.id };
      for (const partitionKey of partitions) {
        for (const rowKey of [newestFirstKey(position), oldestFirstKey(position)]) {
          await timeline.upsertEntity({ partitionKey, rowKey, ...properties }, 'Replace');
        }
      }
      await claims.upsertEntity(
        { partitionKey: claimPartition(rest.id), rowKey: rest.id, ...properties },
        'Replace',
      );
    };
    const toBob = [0, 1, 2].map((i) =>
      privateMessage(ALICE, BOB, new Date(base + i), `old secret ${i}`),
    );
    const toCarol = privateMessage(CAROL, ALICE, new Date(base + 10), 'old note for alice');
    for (const message of toBob) {
      await seedRows(message, [legacyUserPartition(ALICE.id), legacyUserPartition(BOB.id)]);
    }
    await seedRows(toCarol, [legacyUserPartition(CAROL.id), legacyUserPartition(ALICE.id)]);
    const legacyPublic = roomMessage('general', BOB, new Date(base + 20), 'old hello');
    await seedRows(legacyPublic, ['room']);

    const result = await storage.migrateLegacyMessages();
    expect(result).toEqual({ moved: 4, ran: true });
    await expect(storage.migrateLegacyMessages()).resolves.toEqual({ moved: 0, ran: false });

    const aliceBob = directConversationId(ALICE.id, BOB.id);
    const page = await storage.listTimeline(aliceBob);
    expect(page.messages.map((m) => m.text)).toEqual([
      'old secret 0',
      'old secret 1',
      'old secret 2',
    ]);
    expect(page.messages.every((m) => m.conversationId === aliceBob)).toBe(true);
    await expect(storage.getMessage(toBob[0]!.id)).resolves.toMatchObject({
      conversationId: aliceBob,
    });
    await expect(storage.getMessage(legacyPublic.id)).resolves.toMatchObject({
      conversationId: 'general',
    });

    const summaries = { settleMs: 30_000, now: () => new Date() };
    const bobs = await listConversations(storage, BOB.id, summaries);
    expect(bobs.find((c) => c.id === aliceBob)).toMatchObject({
      kind: 'direct',
      with: { id: ALICE.id, name: 'alice' },
      unread: 0,
      lastMessage: { text: 'old secret 2' },
    });
    const alices = await listConversations(storage, ALICE.id, summaries);
    expect(alices.map((c) => c.id)).toEqual(
      expect.arrayContaining(['general', aliceBob, directConversationId(CAROL.id, ALICE.id)]),
    );
    const carols = await listConversations(storage, CAROL.id, summaries);
    expect(carols.map((c) => c.id)).not.toContain(aliceBob);
    expect((await storage.readLastMessage('general'))?.message.id).toBeDefined();
  });
});
