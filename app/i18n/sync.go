package i18n

// The Sync (同步) panel, kept in a block of its own.
func init() {
	for k, v := range syncStrings {
		table[k] = v
	}
}

var syncStrings = map[string][2]string{
	"tab.sync":            {"同步", "Sync"},
	"sync.run":            {"同步", "Sync"},
	"sync.refresh":        {"刷新", "Refresh"},
	"sync.running":        {"正在与服务器同步…", "Syncing with the server…"},
	"sync.not_replica":    {"此蓝图不是副本（没有记住的服务器），无法同步。用 lantuctl clone 克隆服务器上的蓝图。", "This blueprint is not a replica (it remembers no server), so it cannot sync. Clone one from a server with lantuctl clone."},
	"sync.no_blueprint":   {"未打开蓝图。", "No blueprint open."},
	"sync.server":         {"服务器：%s", "Server: %s"},
	"sync.online":         {"在线", "Online"},
	"sync.offline":        {"离线", "Offline"},
	"sync.pending":        {"待推送的本地修改：%d", "Local changes to push: %d"},
	"sync.open_conflicts": {"未解决的冲突：%d", "Open conflicts: %d"},
	"sync.last_sync":      {"上次同步：%s", "Last sync: %s"},
	"sync.never":          {"从未", "never"},
	"sync.last_error":     {"上次错误：%s", "Last error: %s"},
	"sync.result":         {"推送 %d：已应用 %d，已合并 %d，冲突 %d，被拒 %d；拉取 %d", "Pushed %d: applied %d, merged %d, conflicts %d, rejected %d; pulled %d"},
	"sync.patches":        {"规划规则新图斑：%d", "New planning patches: %d"},
	"sync.more_patches":   {"……另有 %d 个（见“冲突”面板）", "… %d more (see the Conflicts panel)"},
	"sync.patch":          {"图斑 %d：%s %s × %s", "Patch %d: %s %s × %s"},
	"sync.failed":         {"同步失败：%s", "Sync failed: %s"},
	"sync.cancelled":      {"同步已取消，已完成的部分保留。", "Sync cancelled; what was done is kept."},
	"sync.auto":           {"服务器已恢复，已自动同步。", "The server is back; synced by itself."},
	"sync.rejected":       {"被服务器拒绝的修改", "Changes the server rejected"},
	"sync.rejected_row":   {"%s %s（日志 %d）：%s", "%s %s (journal %d): %s"},
	"sync.conflicts":      {"冲突", "Conflicts"},
	"sync.conflict_row":   {"%s %s：%s", "%s %s: %s"},
	"sync.none":           {"无", "None"},
	"sync.field":          {"字段", "Field"},
	"sync.base":           {"原始", "Base"},
	"sync.mine":           {"本地", "Mine"},
	"sync.theirs":         {"服务器", "Theirs"},
	"sync.deleted":        {"（已删除）", "(deleted)"},
	"sync.geometry":       {"几何", "Geometry"},
	"sync.take_mine":      {"采用本地", "Take mine"},
	"sync.take_theirs":    {"采用服务器", "Take theirs"},
	"sync.resolved":       {"已解决 %s %s（采用%s），下次同步推送。", "Resolved %s %s (took %s); the next sync pushes it."},
	"sync.pick_conflict":  {"选择一个冲突查看原始、本地与服务器版本。", "Pick a conflict to see base, mine and theirs."},
	"sync.phase.push":     {"推送本地修改", "Pushing local changes"},
	"sync.phase.pull":     {"拉取服务器修改", "Pulling the server's changes"},
	"sync.phase.check":    {"复核规划规则", "Re-checking the planning rules"},
	"sync.changed":        {"已改", "changed"},
}
