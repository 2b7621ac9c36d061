// Rooms and their names, all in one partition of ChatRooms (see README.md, "Rooms"): a room's
// row and the claim on its name are written in one transaction, so a name is never taken by a
// room that does not exist, and two rooms can never share a name.
import { odata, type TableEntityResult } from '@azure/data-tables';
import type { RoomVisibility } from '../shared/conversation.js';
import { RoomNameTakenError, statusOf } from './errors.js';
import { updateRow } from './optimistic.js';
import type { ChatTables } from './table.js';

export interface Room {
  id: string;
  name: string;
  topic?: string;
  visibility: RoomVisibility;
  createdBy: string;
  createdAt: string;
  memberCount: number;
}

const PARTITION = 'rooms';
const ROOM_PREFIX = 'room_';
const ROOM_END = 'room`'; // '`' follows '_'
/** The directory lists at most this many public rooms (one partition, one query). */
export const MAX_LISTED_ROOMS = 500;

/** Names compare ignoring case (and Unicode spelling variants of the same letters). */
export function roomNameKey(name: string): string {
  const normalized = name.normalize('NFKC').toLowerCase();
  return `name_${Buffer.from(normalized, 'utf8').toString('base64url')}`;
}

function roomFromEntity(entity: TableEntityResult<Record<string, unknown>>): Room {
  const room: Room = {
    id: String(entity.roomId),
    name: String(entity.name),
    visibility: entity.visibility === 'private' ? 'private' : 'public',
    createdBy: String(entity.createdBy),
    createdAt: String(entity.createdAt),
    memberCount: typeof entity.memberCount === 'number' ? entity.memberCount : 0,
  };
  if (typeof entity.topic === 'string' && entity.topic !== '') room.topic = entity.topic;
  return room;
}

export function createRoomStore(tables: ChatTables) {
  const { rooms } = tables;

  const readRoomEntity = (id: string) => rooms.find('read room', PARTITION, ROOM_PREFIX + id);

  /** RoomNameTakenError when any room has the name already, ignoring case. */
  async function createRoom(room: Omit<Room, 'memberCount'>): Promise<Room> {
    try {
      await rooms.run('create room', (abortSignal) =>
        rooms.client.submitTransaction(
          [
            [
              'create',
              { partitionKey: PARTITION, rowKey: roomNameKey(room.name), roomId: room.id },
            ],
            [
              'create',
              {
                partitionKey: PARTITION,
                rowKey: ROOM_PREFIX + room.id,
                roomId: room.id,
                name: room.name,
                topic: room.topic ?? '',
                visibility: room.visibility,
                createdBy: room.createdBy,
                createdAt: room.createdAt,
                memberCount: 0,
              },
            ],
          ],
          { abortSignal },
        ),
      );
    } catch (error) {
      if (statusOf(error) === 409) throw new RoomNameTakenError(room.name);
      throw error;
    }
    return { ...room, memberCount: 0 };
  }

  async function getRoom(id: string): Promise<Room | undefined> {
    const entity = await readRoomEntity(id);
    return entity ? roomFromEntity(entity) : undefined;
  }

  async function listPublicRooms(): Promise<Room[]> {
    return rooms.run('list rooms', async (abortSignal) => {
      const found: Room[] = [];
      const filter = odata`PartitionKey eq ${PARTITION} and RowKey gt ${ROOM_PREFIX} and RowKey lt ${ROOM_END} and visibility eq 'public'`;
      const pages = rooms.client
        .listEntities<Record<string, unknown>>({ queryOptions: { filter }, abortSignal })
        .byPage({ maxPageSize: MAX_LISTED_ROOMS });
      for await (const page of pages) {
        for (const entity of page) {
          found.push(roomFromEntity(entity));
          if (found.length >= MAX_LISTED_ROOMS) return found;
        }
      }
      return found;
    });
  }

  /** Adds `delta` to the member count, with optimistic concurrency against concurrent joins. */
  async function changeMemberCount(id: string, delta: number): Promise<void> {
    const key = { partitionKey: PARTITION, rowKey: ROOM_PREFIX + id };
    await updateRow(rooms, key, 'room member count', (entity) => {
      if (!entity) return undefined; // no such room: nothing to count
      const count = typeof entity.memberCount === 'number' ? entity.memberCount : 0;
      return { ...key, memberCount: Math.max(0, count + delta) };
    });
  }

  return { createRoom, getRoom, listPublicRooms, changeMemberCount };
}

export type RoomStore = ReturnType<typeof createRoomStore>;
