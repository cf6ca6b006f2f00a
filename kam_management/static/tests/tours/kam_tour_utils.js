import { stepUtils } from "@web_tour/tour_service/tour_utils";

/** Steps that open a menu item of CRM: the Apps menu, CRM, a top menu, the item. */
export function openCrmMenu(sectionXmlid, itemXmlid, content) {
    return [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the CRM app",
            trigger: ".o_app[data-menu-xmlid='crm.crm_menu_root']",
            run: "click",
        },
        {
            content: `Open the ${sectionXmlid} menu`,
            trigger: `.o_menu_sections [data-menu-xmlid='${sectionXmlid}']`,
            run: "click",
        },
        {
            content,
            trigger: `.dropdown-item[data-menu-xmlid='${itemXmlid}']`,
            run: "click",
        },
    ];
}

/** Steps that open an item of the Key Accounts menu of CRM. */
export function openKeyAccountsMenu(itemXmlid, content) {
    return openCrmMenu("kam_management.kam_menu_root", itemXmlid, content);
}
