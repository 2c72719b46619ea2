package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/desk"
)

// Desk is a desk.Store in Redis. Every change that decides capacity or
// ownership is one Lua script, so it is atomic across instances: Assign
// checks the conversation is queued, the agent online and its set of
// conversations below capacity, and claims, in one step.
//
// Keys (under the Store's prefix): desk:c:<id> a hash per conversation
// (data, transcript and the authoritative status, agent, version,
// assigned_at), desk:q the queue (a sorted set: priority, then the
// millisecond it was queued, then id), desk:assigned and desk:a:<agent>:c
// the assigned sets (an agent's load is the size of its set), desk:all,
// desk:latest:<channel>:<customer>, desk:agent:<id>, desk:agents,
// desk:fired:<id>, desk:audit:<id>. The scripts build keys from the prefix,
// so the desk's keys must live on one node (no Redis Cluster sharding).
// Safe for concurrent use.
type Desk struct {
	s *Store
}

var _ desk.Store = (*Desk)(nil)

// NewDesk returns the desk store on s.
func NewDesk(s *Store) *Desk { return &Desk{s: s} }

func (d *Desk) key(parts ...string) string { return d.s.Key(append([]string{"desk"}, parts...)...) }

func deskErr(op string, err error) error {
	if err == nil || errors.Is(err, desk.ErrNotFound) || errors.Is(err, desk.ErrConflict) ||
		errors.Is(err, desk.ErrCapacity) || errors.Is(err, desk.ErrInvalid) {
		return err
	}
	return fmt.Errorf("redis: desk %s: %w", op, err)
}

// queueScore orders the queue: higher priority first, then older.
func queueScore(c desk.Conversation) float64 {
	p := min(max(int(c.Priority), 0), 9)
	return float64(9-p)*1e13 + float64(c.QueuedAt.UnixMilli())
}

func encodeConv(c desk.Conversation) (data, transcript []byte, err error) {
	t := c.Transcript
	c.Transcript = nil
	if data, err = json.Marshal(c); err != nil {
		return nil, nil, err
	}
	transcript, err = json.Marshal(t)
	return data, transcript, err
}

var createScript = goredis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 'conflict' end
local cur = redis.call('GET', KEYS[2])
if cur then
	local st = redis.call('HGET', ARGV[1] .. 'desk:c:' .. cur, 'status')
	if st == 'queued' or st == 'assigned' then return 'conflict' end
end
redis.call('HSET', KEYS[1], 'data', ARGV[3], 'transcript', ARGV[4], 'status', ARGV[5], 'agent', '', 'version', 1, 'assigned_at', ARGV[7])
redis.call('SET', KEYS[2], ARGV[2])
if ARGV[5] == 'queued' then redis.call('ZADD', KEYS[3], ARGV[6], ARGV[2]) end
redis.call('SADD', KEYS[4], ARGV[2])
return 'ok'`)

// CreateConversation implements desk.Store.
func (d *Desk) CreateConversation(ctx context.Context, c desk.Conversation) (desk.Conversation, error) {
	if c.ID == "" || c.Agent != "" || c.Status == desk.StatusAssigned {
		return desk.Conversation{}, fmt.Errorf("%w: a new conversation needs an id and no agent", desk.ErrConflict)
	}
	c.Version = 1
	data, tr, err := encodeConv(c)
	if err != nil {
		return desk.Conversation{}, deskErr("create", err)
	}
	res, err := createScript.Run(ctx, d.s.rdb,
		[]string{d.key("c", c.ID), d.key("latest", string(c.Customer.Channel), c.Customer.ID), d.key("q"), d.key("all")},
		d.s.prefix, c.ID, data, tr, string(c.Status), queueScore(c), c.AssignedAt.UnixNano()).Text()
	if err != nil {
		return desk.Conversation{}, deskErr("create", err)
	}
	if res != "ok" {
		return desk.Conversation{}, fmt.Errorf("%w: id taken or the customer has an open conversation", desk.ErrConflict)
	}
	return c.Clone(), nil
}

var convFields = []string{"data", "transcript", "status", "agent", "version", "assigned_at"}

// decode builds a conversation from HMGET convFields (transcript may be nil
// for a summary).
func decode(vals []any, summary bool) (desk.Conversation, error) {
	if len(vals) < len(convFields) || vals[0] == nil {
		return desk.Conversation{}, desk.ErrNotFound
	}
	str := func(i int) string { s, _ := vals[i].(string); return s }
	var c desk.Conversation
	if err := json.Unmarshal([]byte(str(0)), &c); err != nil {
		return c, err
	}
	c.Transcript = nil
	if !summary && str(1) != "" {
		if err := json.Unmarshal([]byte(str(1)), &c.Transcript); err != nil {
			return c, err
		}
		if len(c.Transcript) == 0 {
			c.Transcript = nil
		}
	}
	c.Status, c.Agent = desk.Status(str(2)), str(3)
	c.Version, _ = strconv.ParseInt(str(4), 10, 64)
	if ns, err := strconv.ParseInt(str(5), 10, 64); err == nil && ns != (time.Time{}).UnixNano() {
		c.AssignedAt = time.Unix(0, ns).UTC()
	} else {
		c.AssignedAt = time.Time{}
	}
	return c, nil
}

// Conversation implements desk.Store.
func (d *Desk) Conversation(ctx context.Context, id string) (desk.Conversation, error) {
	vals, err := d.s.rdb.HMGet(ctx, d.key("c", id), convFields...).Result()
	if err != nil {
		return desk.Conversation{}, deskErr("get", err)
	}
	c, err := decode(vals, false)
	return c, deskErr("get", err)
}

// Latest implements desk.Store.
func (d *Desk) Latest(ctx context.Context, customer channel.Address) (desk.Conversation, error) {
	id, err := d.s.rdb.Get(ctx, d.key("latest", string(customer.Channel), customer.ID)).Result()
	if errors.Is(err, goredis.Nil) {
		return desk.Conversation{}, desk.ErrNotFound
	}
	if err != nil {
		return desk.Conversation{}, deskErr("latest", err)
	}
	return d.Conversation(ctx, id)
}

var updateScript = goredis.NewScript(`
local cur = redis.call('HMGET', KEYS[1], 'status', 'agent', 'version')
if not cur[1] then return 'notfound' end
if cur[3] ~= ARGV[3] then return 'conflict' end
local agent = ARGV[5]
if (agent ~= '' and agent ~= cur[2]) or (ARGV[4] == 'assigned' and cur[1] ~= 'assigned') then return 'agent' end
if ARGV[4] ~= 'assigned' then agent = '' end
if cur[1] == 'assigned' and ARGV[4] ~= 'assigned' then
	redis.call('SREM', ARGV[1] .. 'desk:a:' .. cur[2] .. ':c', ARGV[2])
	redis.call('SREM', KEYS[3], ARGV[2])
end
if ARGV[4] == 'queued' then redis.call('ZADD', KEYS[2], ARGV[8], ARGV[2]) else redis.call('ZREM', KEYS[2], ARGV[2]) end
local v = tonumber(cur[3]) + 1
redis.call('HSET', KEYS[1], 'status', ARGV[4], 'agent', agent, 'version', v, 'data', ARGV[6], 'transcript', ARGV[7], 'assigned_at', ARGV[9])
return v`)

// UpdateConversation implements desk.Store.
func (d *Desk) UpdateConversation(ctx context.Context, c desk.Conversation) (desk.Conversation, error) {
	data, tr, err := encodeConv(c)
	if err != nil {
		return desk.Conversation{}, deskErr("update", err)
	}
	res, err := updateScript.Run(ctx, d.s.rdb, []string{d.key("c", c.ID), d.key("q"), d.key("assigned")},
		d.s.prefix, c.ID, c.Version, string(c.Status), c.Agent, data, tr, queueScore(c), c.AssignedAt.UnixNano()).Result()
	if err != nil {
		return desk.Conversation{}, deskErr("update", err)
	}
	switch v := res.(type) {
	case int64:
		c.Version = v
		if c.Status != desk.StatusAssigned {
			c.Agent = "" // the script stored it so
		}
		return c.Clone(), nil
	case string:
		switch v {
		case "notfound":
			return desk.Conversation{}, desk.ErrNotFound
		case "agent":
			return desk.Conversation{}, fmt.Errorf("%w: agents are set only by Assign", desk.ErrConflict)
		}
	}
	return desk.Conversation{}, fmt.Errorf("%w: version %d is stale", desk.ErrConflict, c.Version)
}

// Conversations implements desk.Store.
func (d *Desk) Conversations(ctx context.Context, q desk.Query) ([]desk.Conversation, error) {
	rdb := d.s.rdb
	var ids []string
	var err error
	ordered := false
	switch {
	case len(q.Statuses) == 1 && q.Statuses[0] == desk.StatusQueued && q.Agent == "":
		stop := int64(-1)
		if q.Limit > 0 {
			stop = int64(q.Limit) - 1
		}
		ids, err = rdb.ZRange(ctx, d.key("q"), 0, stop).Result()
		ordered = true
	case q.Agent != "" && len(q.Statuses) == 1 && q.Statuses[0] == desk.StatusAssigned:
		ids, err = rdb.SMembers(ctx, d.key("a", q.Agent, "c")).Result()
	case len(q.Statuses) == 1 && q.Statuses[0] == desk.StatusAssigned:
		ids, err = rdb.SMembers(ctx, d.key("assigned")).Result()
	default:
		ids, err = rdb.SMembers(ctx, d.key("all")).Result()
	}
	if err != nil {
		return nil, deskErr("list", err)
	}
	pipe := rdb.Pipeline()
	cmds := make([]*goredis.SliceCmd, len(ids))
	fields := convFields
	if q.Summary {
		fields = []string{"data", "status", "status", "agent", "version", "assigned_at"} // the transcript is not read
	}
	for i, id := range ids {
		cmds[i] = pipe.HMGet(ctx, d.key("c", id), fields...)
	}
	if len(ids) > 0 {
		if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, goredis.Nil) {
			return nil, deskErr("list", err)
		}
	}
	var out []desk.Conversation
	for _, cmd := range cmds {
		c, err := decode(cmd.Val(), q.Summary)
		if errors.Is(err, desk.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, deskErr("list", err)
		}
		if len(q.Statuses) > 0 && !slices.Contains(q.Statuses, c.Status) || q.Agent != "" && c.Agent != q.Agent {
			continue
		}
		out = append(out, c)
	}
	if !ordered {
		desk.SortQueue(out)
	}
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, nil
}

var assignScript = goredis.NewScript(`
local st = redis.call('HGET', KEYS[1], 'status')
if not st then return 'notfound' end
if redis.call('EXISTS', KEYS[2]) == 0 then return 'notfound' end
if st ~= 'queued' then return 'conflict' end
if redis.call('HGET', KEYS[2], 'online') ~= '1' then return 'capacity' end
if redis.call('SCARD', KEYS[5]) >= tonumber(ARGV[3]) then return 'capacity' end
redis.call('SADD', KEYS[5], ARGV[1])
redis.call('SADD', KEYS[4], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
local v = redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('HSET', KEYS[1], 'status', 'assigned', 'agent', ARGV[2], 'assigned_at', ARGV[4])
redis.call('HSET', KEYS[2], 'idle_since', ARGV[4])
return v`)

// Assign implements desk.Store in one Lua script.
func (d *Desk) Assign(ctx context.Context, convID, agentID string, capacity int, now time.Time) (desk.Conversation, error) {
	res, err := assignScript.Run(ctx, d.s.rdb,
		[]string{d.key("c", convID), d.key("agent", agentID), d.key("q"), d.key("assigned"), d.key("a", agentID, "c")},
		convID, agentID, capacity, now.UnixNano()).Result()
	if err != nil {
		return desk.Conversation{}, deskErr("assign", err)
	}
	if s, ok := res.(string); ok {
		switch s {
		case "notfound":
			return desk.Conversation{}, desk.ErrNotFound
		case "capacity":
			return desk.Conversation{}, desk.ErrCapacity
		default:
			return desk.Conversation{}, fmt.Errorf("%w: conversation is not queued", desk.ErrConflict)
		}
	}
	c, err := d.Conversation(ctx, convID)
	if err != nil {
		return desk.Conversation{}, err
	}
	// Report the assignment as made, even if the conversation changed since.
	c.Status, c.Agent, c.AssignedAt = desk.StatusAssigned, agentID, now
	if v, ok := res.(int64); ok {
		c.Version = v
	}
	return c, nil
}

// PutAgent implements desk.Store. The agent's load is kept.
func (d *Desk) PutAgent(ctx context.Context, a desk.Agent) error {
	if a.ID == "" {
		return fmt.Errorf("%w: agent without id", desk.ErrInvalid)
	}
	data, err := json.Marshal(a)
	if err != nil {
		return deskErr("put agent", err)
	}
	online := "0"
	if a.Online {
		online = "1"
	}
	pipe := d.s.rdb.TxPipeline()
	pipe.HSet(ctx, d.key("agent", a.ID), "data", data, "online", online, "idle_since", a.IdleSince.UnixNano())
	pipe.SAdd(ctx, d.key("agents"), a.ID)
	_, err = pipe.Exec(ctx)
	return deskErr("put agent", err)
}

// Agent implements desk.Store.
func (d *Desk) Agent(ctx context.Context, id string) (desk.AgentState, error) {
	as, err := d.agents(ctx, []string{id})
	if err != nil {
		return desk.AgentState{}, err
	}
	if len(as) == 0 {
		return desk.AgentState{}, desk.ErrNotFound
	}
	return as[0], nil
}

// Agents implements desk.Store.
func (d *Desk) Agents(ctx context.Context) ([]desk.AgentState, error) {
	ids, err := d.s.rdb.SMembers(ctx, d.key("agents")).Result()
	if err != nil {
		return nil, deskErr("agents", err)
	}
	slices.Sort(ids)
	return d.agents(ctx, ids)
}

func (d *Desk) agents(ctx context.Context, ids []string) ([]desk.AgentState, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	pipe := d.s.rdb.Pipeline()
	gets := make([]*goredis.SliceCmd, len(ids))
	loads := make([]*goredis.IntCmd, len(ids))
	for i, id := range ids {
		gets[i] = pipe.HMGet(ctx, d.key("agent", id), "data", "online", "idle_since")
		loads[i] = pipe.SCard(ctx, d.key("a", id, "c"))
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, goredis.Nil) {
		return nil, deskErr("agents", err)
	}
	var out []desk.AgentState
	for i := range ids {
		v := gets[i].Val()
		data, _ := v[0].(string)
		if data == "" {
			continue
		}
		var a desk.Agent
		if err := json.Unmarshal([]byte(data), &a); err != nil {
			return nil, deskErr("agents", err)
		}
		online, _ := v[1].(string)
		a.Online = online == "1"
		if s, _ := v[2].(string); s != "" {
			if ns, err := strconv.ParseInt(s, 10, 64); err == nil && ns != (time.Time{}).UnixNano() {
				a.IdleSince = time.Unix(0, ns).UTC()
			}
		}
		out = append(out, desk.AgentState{Agent: a, Load: int(loads[i].Val())})
	}
	return out, nil
}

// MarkFired implements desk.Store.
func (d *Desk) MarkFired(ctx context.Context, convID, key string, now time.Time) (bool, error) {
	ok, err := d.s.rdb.HSetNX(ctx, d.key("fired", convID), key, now.UnixNano()).Result()
	return ok, deskErr("mark fired", err)
}

// AppendAudit implements desk.Store.
func (d *Desk) AppendAudit(ctx context.Context, e desk.AuditEntry) error {
	data, err := json.Marshal(e)
	if err != nil {
		return deskErr("audit", err)
	}
	return deskErr("audit", d.s.rdb.RPush(ctx, d.key("audit", e.ConversationID), data).Err())
}

// Audit implements desk.Store.
func (d *Desk) Audit(ctx context.Context, convID string) ([]desk.AuditEntry, error) {
	vals, err := d.s.rdb.LRange(ctx, d.key("audit", convID), 0, -1).Result()
	if err != nil {
		return nil, deskErr("audit", err)
	}
	var out []desk.AuditEntry
	for _, v := range vals {
		var e desk.AuditEntry
		if err := json.Unmarshal([]byte(v), &e); err != nil {
			return nil, deskErr("audit", err)
		}
		out = append(out, e)
	}
	return out, nil
}
