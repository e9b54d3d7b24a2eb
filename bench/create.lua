-- POST access_tokens/create with a unique identifier per request. OWNER (a
-- JSON fragment, may be empty) links the tokens; STOP, when set, ends each
-- thread after that many replies (dropping a file in DONE_DIR), so a run creates a known
-- number.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local token = os.getenv("TOKEN")
local owner = os.getenv("OWNER") or ""
local stop = tonumber(os.getenv("STOP") or "0")
local prefix = os.getenv("PREFIX") or "bench"
local threads = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local sent, done = 0, 0

request = function()
  sent = sent + 1
  local body = '{"token":"' .. token .. '","identifier":"' .. prefix .. '-' .. tid .. '-' .. sent
    .. '","pass_code":"p"' .. owner .. '}'
  return wrk.format(nil, "/crmapi/rest/v2/access_tokens/create", nil, body)
end

response = function(status, headers, body)
  done = done + 1
  if stop > 0 and done == stop then
    -- wrk itself runs for its whole -d: tell run.sh this thread is done.
    io.open(os.getenv("DONE_DIR") .. "/" .. tid, "w"):close()
    wrk.thread:stop()
  end
end
