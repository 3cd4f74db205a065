-- A real client for `kblint lsp`: Neovim's own LSP client (0.7), run headless by
-- tests/lsp_neovim_test.cpp. It starts the server, opens a rule file and a snapshot, waits for
-- their diagnostics and writes them, one a line, to KBLINT_LSP_OUT:
--   FILE LNUM:COL-END_LNUM:END_COL SEVERITY [CODE] FIRST LINE OF THE MESSAGE
-- (0-based lines, byte columns as Neovim converts the server's UTF-16 positions), then how the
-- server ended. Every wait is bounded; a failure is written to the file instead of the results.
local bin = os.getenv('KBLINT_BIN')
local files = { os.getenv('KBLINT_LSP_KBL'), os.getenv('KBLINT_LSP_TOML') }
local out_path = os.getenv('KBLINT_LSP_OUT')
local lines = {}
local severities = { 'error', 'warning', 'info', 'hint' }

local function finish()
  local f = io.open(out_path, 'w')
  f:write(table.concat(lines, '\n') .. '\n')
  f:close()
  vim.cmd('qall!')
end

local function run()
  local exit_code = nil
  local client_id = vim.lsp.start_client({
    name = 'kblint',
    cmd = { bin, 'lsp' },
    root_dir = vim.fn.getcwd(),
    on_exit = function(code) exit_code = code end,
  })
  assert(client_id, 'the client did not start')
  local bufs = {}
  for i, path in ipairs(files) do
    vim.cmd('edit ' .. vim.fn.fnameescape(path))
    bufs[i] = vim.api.nvim_get_current_buf()
    assert(vim.lsp.buf_attach_client(bufs[i], client_id), 'cannot attach to ' .. path)
  end
  for i, buf in ipairs(bufs) do
    local got = vim.wait(10000, function() return #vim.diagnostic.get(buf) > 0 end, 20)
    assert(got, 'no diagnostics for ' .. files[i] .. ' within 10 s')
  end
  for i, buf in ipairs(bufs) do
    local diags = vim.diagnostic.get(buf)
    table.sort(diags, function(a, b) return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col) end)
    for _, d in ipairs(diags) do
      local lsp = d.user_data and d.user_data.lsp or {}
      table.insert(lines, string.format('%s %d:%d-%d:%d %s [%s] %s', vim.fn.fnamemodify(files[i], ':t'), d.lnum, d.col,
        d.end_lnum, d.end_col, severities[d.severity], d.code or lsp.code or '', vim.split(d.message, '\n')[1]))
    end
  end
  vim.lsp.stop_client(client_id)
  assert(vim.wait(10000, function() return exit_code ~= nil end, 20), 'the server did not exit within 10 s')
  table.insert(lines, 'server exit ' .. exit_code)
end

local ok, err = pcall(run)
if not ok then table.insert(lines, 'FAILED: ' .. tostring(err)) end
finish()
