-- The long-run mix: a login of the same user every 100th request (a new
-- session each time), shows otherwise. STOP ends each thread after that many
-- replies and drops a file in DONE_DIR.
wrk.headers["Content-Type"] = "application/json"
local token = os.getenv("TOKEN")
local stop = tonumber(os.getenv("STOP") or "0")
local show = '{"token":"' .. token .. '","access_token_identifier":'
  .. '{"authentication_code":"CCD4537CA4AD4EE8912FFBAE53110601"}}'
local login = '{"username":"MPAdministrator","password":"1234","organisation":"bench"}'
local threads = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local sent, done = 0, 0

request = function()
  sent = sent + 1
  if sent % 100 == 0 then
    return wrk.format("POST", "/crmapi/rest/v2/authentication/token", nil, login)
  end
  return wrk.format("POST", "/crmapi/rest/v2/access_tokens/show", nil, show)
end

response = function(status, headers, body)
  done = done + 1
  if stop > 0 and done == stop then
    -- wrk itself runs for its whole -d: tell run.sh this thread is done.
    io.open(os.getenv("DONE_DIR") .. "/" .. tid, "w"):close()
    wrk.thread:stop()
  end
end
