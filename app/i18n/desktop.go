package i18n

// The desktop window's settings and chrome, kept in a block of their own.
func init() {
	for k, v := range desktopStrings {
		table[k] = v
	}
}

var desktopStrings = map[string][2]string{
	"menu.user":   {"用户名…", "User name…"},
	"user.title":  {"用户名", "User name"},
	"user.hint":   {"记录在审核与编辑中的姓名，默认为系统账户。重新打开蓝图后生效。", "The name recorded with reviews and edits; the system account by default. Applies when a blueprint is next opened."},
	"user.ok":     {"保存", "Save"},
	"user.cancel": {"取消", "Cancel"},

	"menu.hillshade":  {"山体阴影…", "Hillshade…"},
	"hillshade.title": {"山体阴影不透明度", "Hillshade opacity"},
	"hillshade.hint":  {"山体阴影以正片叠底压在图斑上；放大到超过其分辨率时自动淡出。设置会保存。", "The hillshade is multiplied into the map; it fades out when zoomed in past its resolution. The setting is kept."},
	"hillshade.close": {"关闭", "Close"},
}
