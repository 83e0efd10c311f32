-- bench/mo.lua: wrk script for bench/mo.sh.  Each thread sends the
-- requests of its own file (DIR/paths.ID, one path per line, each sent
-- once), read line by line as wrk asks, so no thread waits on loading.
-- Once its file is exhausted a connection asks for /kannel/none (404 from
-- both sanketd and mo-bare) until the thread has every real answer; then
-- it creates DIR/done.ID and stops.  Non-200 answers to real requests
-- are counted; done() prints "mo.lua: answered N non200 M".
--
--	wrk -t 2 -c C -d 600s -s bench/mo.lua URL -- DIR COUNT0 COUNT1
local threads = {}

function setup(thread)
	thread:set("id", #threads)
	table.insert(threads, thread)
end

function init(args)
	dir = args[1]
	total = tonumber(args[2 + id])
	fh = assert(io.open(dir .. "/paths." .. id, "r"))
	sent, answered, non200 = 0, 0, 0
	finished = false
	-- wrk calls thread 0's request() once before the run, to check the
	-- script (script_verify_request): give it a surplus request, not a
	-- line.  Had it not, the one surplus request costs nothing.
	verified = id ~= 0
end

request = function()
	if not verified then
		verified = true
		return wrk.format("GET", "/kannel/none")
	end
	local line = fh:read("*l")
	if line == nil then
		return wrk.format("GET", "/kannel/none")
	end
	sent = sent + 1
	return wrk.format("GET", line)
end

response = function(status)
	if status == 404 then
		return
	end
	answered = answered + 1
	if status ~= 200 then
		non200 = non200 + 1
	end
	if answered >= total and not finished then
		finished = true
		io.open(dir .. "/done." .. id, "w"):close()
		wrk.thread:stop()
	end
end

function done(summary, latency, requests)
	local a, b = 0, 0
	for _, t in ipairs(threads) do
		a = a + (t:get("answered") or 0)
		b = b + (t:get("non200") or 0)
	end
	io.write(string.format("mo.lua: answered %d non200 %d\n", a, b))
end
