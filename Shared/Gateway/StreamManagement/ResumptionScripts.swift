import Redis

/// The Lua scripts of `ResumptionStore`. A managed session's state is the hash
/// `sm:{bare}:<id>` with fields `jid`, `session` (the attached stream), `node`,
/// `in` (client stanzas handled), `out` (stanzas queued for the client, ever),
/// `acked` (of those, acknowledged), `max`, `resume`, `detached`, and while
/// a router expires it `expiring`; after a sweep, `record` (the registry record
/// the sweeper removed). The list `sm:{bare}:<id>:q` holds stanzas
/// `acked+1 … out`. See docs/stream-management.md.
enum ResumptionScripts {
    /// Redis's clock in milliseconds, as a Lua prelude.
    static let now = """
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)

        """

    // KEYS: state, queue, deadlines. ARGV: jid, session, node, max, resume, member, ttl ms.
    static let create = RedisScript(
        now + """
            redis.call('DEL', KEYS[1], KEYS[2])
            redis.call('HSET', KEYS[1], 'jid', ARGV[1], 'session', ARGV[2], 'node', ARGV[3], 'in', 0, 'out', 0,
              'acked', 0, 'max', ARGV[4], 'resume', ARGV[5], 'detached', 0)
            redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[7]) + 60000)
            redis.call('ZADD', KEYS[3], now + tonumber(ARGV[7]), ARGV[6])
            return 1
            """)

    // KEYS: state, queue, deliver:{this node}. ARGV: session, key prefix, jid,
    // then pairs (delivery entry id or '', wire). Returns {'ok', positions…},
    // {'moved'} or {'gone'}.
    static let append = RedisScript(
        """
        local s = redis.call('HMGET', KEYS[1], 'session', 'node', 'expiring')
        if not s[1] or s[3] then return {'gone'} end
        if s[1] ~= ARGV[1] then
          local target = ARGV[2] .. 'deliver:{' .. s[2] .. '}'
          for i = 4, #ARGV, 2 do
            if ARGV[i] ~= '' and redis.call('XDEL', KEYS[3], ARGV[i]) == 1 then
              redis.call('XADD', target, '*', 'kind', 'stanza', 'to', ARGV[3], 'stanza', ARGV[i + 1])
            end
          end
          return {'moved'}
        end
        local result = {'ok'}
        local count = 0
        for i = 4, #ARGV, 2 do
          if ARGV[i] == '' or redis.call('XDEL', KEYS[3], ARGV[i]) == 1 then
            redis.call('RPUSH', KEYS[2], ARGV[i + 1])
            count = count + 1
            result[#result + 1] = (i - 2) / 2
          end
        end
        if count > 0 then
          redis.call('HINCRBY', KEYS[1], 'out', count)
          local ttl = redis.call('PTTL', KEYS[1])
          if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
        end
        return result
        """)

    // KEYS: state, queue. ARGV: session, h. Returns {'ok'}, {'high', out} or {'moved'}.
    static let acknowledge = RedisScript(
        """
        local s = redis.call('HMGET', KEYS[1], 'session', 'out', 'acked')
        if s[1] ~= ARGV[1] then return {'moved'} end
        local out, acked = tonumber(s[2]), tonumber(s[3])
        local n = (tonumber(ARGV[2]) - acked) % 4294967296
        if n > out - acked then return {'high', out % 4294967296} end
        if n > 0 then
          redis.call('LTRIM', KEYS[2], n, -1)
          redis.call('HSET', KEYS[1], 'acked', acked + n)
        end
        return {'ok'}
        """)

    // KEYS: state. ARGV: session, handled count.
    static let saveInbound = RedisScript(
        """
        if redis.call('HGET', KEYS[1], 'session') == ARGV[1] then redis.call('HSET', KEYS[1], 'in', ARGV[2]) end
        return 1
        """)

    // KEYS: state, queue, deadlines. ARGV: session, member, wait ms, client stanzas handled.
    static let detach = RedisScript(
        now + """
            local session = redis.call('HGET', KEYS[1], 'session')
            if not session then return 'gone' end
            if session ~= ARGV[1] then return 'moved' end
            local wait = tonumber(ARGV[3])
            redis.call('HSET', KEYS[1], 'detached', 1, 'in', ARGV[4])
            redis.call('ZADD', KEYS[3], now + wait, ARGV[2])
            redis.call('PEXPIRE', KEYS[1], wait + 60000)
            if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('PEXPIRE', KEYS[2], wait + 60000) end
            return 'detached'
            """)

    // KEYS: deadlines. ARGV: key prefix, then (bare, id, session, ttl ms) per session.
    static let keepAlive = RedisScript(
        now + """
            for i = 2, #ARGV, 4 do
              local state = ARGV[1] .. 'sm:{' .. ARGV[i] .. '}:' .. ARGV[i + 1]
              local s = redis.call('HMGET', state, 'session', 'detached', 'expiring')
              if s[1] == ARGV[i + 2] and s[2] == '0' and not s[3] then
                local ttl = tonumber(ARGV[i + 3])
                redis.call('ZADD', KEYS[1], now + ttl, ARGV[i] .. ' ' .. ARGV[i + 1])
                redis.call('PEXPIRE', state, ttl + 60000)
                if redis.call('EXISTS', state .. ':q') == 1 then redis.call('PEXPIRE', state .. ':q', ttl + 60000) end
              end
            end
            return 1
            """)

    // KEYS: state, queue, sessions:{bare}, deadlines. ARGV: key prefix, jid,
    // resource, h, new session, new node, member, ttl ms.
    // Returns {'ok', in, record, restored, old session, old node, backlog…},
    // {'high', out, in} or {'gone'}.
    static let resume = RedisScript(
        now + """
            local s = redis.call('HMGET', KEYS[1], 'jid', 'session', 'node', 'in', 'out', 'acked', 'expiring', 'record')
            if not s[1] or s[7] or s[1] ~= ARGV[2] then return {'gone'} end
            local oldSession, oldNode = s[2], s[3]
            local out, acked = tonumber(s[5]), tonumber(s[6])
            local n = (tonumber(ARGV[4]) - acked) % 4294967296
            if n > out - acked then return {'high', out % 4294967296, s[4]} end
            local current = redis.call('HGET', KEYS[3], ARGV[3])
            local record
            local restored = 0
            if current then
              record = cjson.decode(current)
              if record.session ~= oldSession then return {'gone'} end
            elseif s[8] then
              record = cjson.decode(s[8])
              record.available = false
              restored = 1
            else
              return {'gone'}
            end
            record.node = ARGV[6]
            record.session = ARGV[5]
            local json = cjson.encode(record)
            redis.call('HSET', KEYS[3], ARGV[3], json)
            redis.call('SREM', ARGV[1] .. 'node:{' .. oldNode .. '}:sessions', ARGV[2])
            redis.call('SADD', ARGV[1] .. 'node:{' .. ARGV[6] .. '}:sessions', ARGV[2])
            if n > 0 then redis.call('LTRIM', KEYS[2], n, -1) end
            local stream = ARGV[1] .. 'deliver:{' .. oldNode .. '}'
            local stolen = 0
            for _, entry in ipairs(redis.call('XRANGE', stream, '-', '+')) do
              local f = entry[2]
              local to, kind, wire
              for i = 1, #f, 2 do
                if f[i] == 'to' then to = f[i + 1] elseif f[i] == 'kind' then kind = f[i + 1]
                elseif f[i] == 'stanza' then wire = f[i + 1] end
              end
              if to == ARGV[2] then
                if kind == 'stanza' and wire then
                  redis.call('RPUSH', KEYS[2], wire)
                  stolen = stolen + 1
                end
                redis.call('XDEL', stream, entry[1])
              end
            end
            local ttl = tonumber(ARGV[8])
            redis.call('HSET', KEYS[1], 'session', ARGV[5], 'node', ARGV[6], 'out', out + stolen, 'acked', acked + n,
              'detached', 0)
            redis.call('HDEL', KEYS[1], 'record')
            redis.call('ZADD', KEYS[4], now + ttl, ARGV[7])
            redis.call('PEXPIRE', KEYS[1], ttl + 60000)
            if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('PEXPIRE', KEYS[2], ttl + 60000) end
            if oldNode ~= ARGV[6] and redis.call('EXISTS', ARGV[1] .. 'node:{' .. oldNode .. '}') == 1 then
              redis.call('XADD', stream, '*', 'kind', 'close', 'to', ARGV[2], 'session', oldSession, 'condition', 'conflict')
            end
            local result = {'ok', s[4], json, restored, oldSession, oldNode}
            for _, wire in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do result[#result + 1] = wire end
            return result
            """)

    // KEYS: deadlines. ARGV: key prefix, limit, lease ms.
    // Returns one {member, jid, session, node, unacknowledged…} per session taken.
    static let takeExpired = RedisScript(
        now + """
            local lease = tonumber(ARGV[3])
            local result = {}
            for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))) do
              local space = string.find(member, ' ', 1, true)
              local s = {}
              local state
              if space then
                state = ARGV[1] .. 'sm:{' .. string.sub(member, 1, space - 1) .. '}:' .. string.sub(member, space + 1)
                s = redis.call('HMGET', state, 'jid', 'session', 'node')
              end
              if not s[1] then
                redis.call('ZREM', KEYS[1], member)
              else
                redis.call('HSET', state, 'expiring', 1)
                redis.call('ZADD', KEYS[1], now + lease, member)
                redis.call('PEXPIRE', state, lease + 60000)
                if redis.call('EXISTS', state .. ':q') == 1 then redis.call('PEXPIRE', state .. ':q', lease + 60000) end
                local entry = {member, s[1], s[2], s[3]}
                for _, wire in ipairs(redis.call('LRANGE', state .. ':q', 0, -1)) do entry[#entry + 1] = wire end
                result[#result + 1] = entry
              end
            end
            return result
            """)
}
