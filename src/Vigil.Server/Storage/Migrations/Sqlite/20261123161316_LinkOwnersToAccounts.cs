using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Server.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LinkOwnersToAccounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Owners become account ids. Columns are renamed and their e-mail addresses mapped to
            // the accounts that have them (SQLite stores a Guid as TEXT, like Users.Id), so
            // no table is rebuilt (a rebuild cannot run in the migration's transaction) and rows of
            // an existing account keep their owner; rows whose e-mail has no account get the empty
            // id (no owner) and stay invisible to every user until removed.
            migrationBuilder.DropIndex(
                name: "IX_SnapshotCameras_OwnerEmail_Name",
                table: "SnapshotCameras");

            migrationBuilder.RenameColumn(
                name: "OwnerEmail",
                table: "SnapshotCameras",
                newName: "OwnerId");

            migrationBuilder.Sql(
                """
                UPDATE "SnapshotCameras" SET "OwnerId" = COALESCE(
                    (SELECT u."Id" FROM "Users" u WHERE u."NormalizedEmail" = UPPER("SnapshotCameras"."OwnerId")),
                    '00000000-0000-0000-0000-000000000000');
                """);

            migrationBuilder.DropIndex(
                name: "IX_NotificationRules_OwnerEmail",
                table: "NotificationRules");

            migrationBuilder.RenameColumn(
                name: "OwnerEmail",
                table: "NotificationRules",
                newName: "OwnerId");

            migrationBuilder.Sql(
                """
                UPDATE "NotificationRules" SET "OwnerId" = COALESCE(
                    (SELECT u."Id" FROM "Users" u WHERE u."NormalizedEmail" = UPPER("NotificationRules"."OwnerId")),
                    '00000000-0000-0000-0000-000000000000');
                """);

            migrationBuilder.DropIndex(
                name: "IX_NotificationDeliveries_OwnerEmail_CameraId_Label_CreatedAt",
                table: "NotificationDeliveries");

            migrationBuilder.DropIndex(
                name: "IX_NotificationDeliveries_OwnerEmail_CreatedAt",
                table: "NotificationDeliveries");

            migrationBuilder.RenameColumn(
                name: "OwnerEmail",
                table: "NotificationDeliveries",
                newName: "OwnerId");

            migrationBuilder.Sql(
                """
                UPDATE "NotificationDeliveries" SET "OwnerId" = COALESCE(
                    (SELECT u."Id" FROM "Users" u WHERE u."NormalizedEmail" = UPPER("NotificationDeliveries"."OwnerId")),
                    '00000000-0000-0000-0000-000000000000');
                """);

            migrationBuilder.DropIndex(
                name: "IX_Events_OwnerEmail_Id",
                table: "Events");

            migrationBuilder.RenameColumn(
                name: "OwnerEmail",
                table: "Events",
                newName: "OwnerId");

            migrationBuilder.Sql(
                """
                UPDATE "Events" SET "OwnerId" = COALESCE(
                    (SELECT u."Id" FROM "Users" u WHERE u."NormalizedEmail" = UPPER("Events"."OwnerId")),
                    '00000000-0000-0000-0000-000000000000');
                """);

            migrationBuilder.DropIndex(
                name: "IX_AccessKeys_PrincipalName",
                table: "AccessKeys");

            migrationBuilder.RenameColumn(
                name: "PrincipalName",
                table: "AccessKeys",
                newName: "UserId");

            migrationBuilder.Sql(
                """
                UPDATE "AccessKeys" SET "UserId" = COALESCE(
                    (SELECT u."Id" FROM "Users" u WHERE u."NormalizedEmail" = UPPER("AccessKeys"."UserId")),
                    '00000000-0000-0000-0000-000000000000');
                """);

            migrationBuilder.AddColumn<bool>(
                name: "EmailOwner",
                table: "NotificationRules",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateIndex(
                name: "IX_SnapshotCameras_OwnerId_Name",
                table: "SnapshotCameras",
                columns: new[] { "OwnerId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_NotificationRules_OwnerId",
                table: "NotificationRules",
                column: "OwnerId");

            migrationBuilder.CreateIndex(
                name: "IX_NotificationDeliveries_OwnerId_CameraId_Label_CreatedAt",
                table: "NotificationDeliveries",
                columns: new[] { "OwnerId", "CameraId", "Label", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_NotificationDeliveries_OwnerId_CreatedAt",
                table: "NotificationDeliveries",
                columns: new[] { "OwnerId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Events_OwnerId_Id",
                table: "Events",
                columns: new[] { "OwnerId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_AccessKeys_UserId",
                table: "AccessKeys",
                column: "UserId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SnapshotCameras_OwnerId_Name",
                table: "SnapshotCameras");

            migrationBuilder.DropIndex(
                name: "IX_NotificationRules_OwnerId",
                table: "NotificationRules");

            migrationBuilder.DropIndex(
                name: "IX_NotificationDeliveries_OwnerId_CameraId_Label_CreatedAt",
                table: "NotificationDeliveries");

            migrationBuilder.DropIndex(
                name: "IX_NotificationDeliveries_OwnerId_CreatedAt",
                table: "NotificationDeliveries");

            migrationBuilder.DropIndex(
                name: "IX_Events_OwnerId_Id",
                table: "Events");

            migrationBuilder.DropIndex(
                name: "IX_AccessKeys_UserId",
                table: "AccessKeys");

            migrationBuilder.DropColumn(
                name: "OwnerId",
                table: "SnapshotCameras");

            migrationBuilder.DropColumn(
                name: "EmailOwner",
                table: "NotificationRules");

            migrationBuilder.DropColumn(
                name: "OwnerId",
                table: "NotificationRules");

            migrationBuilder.DropColumn(
                name: "OwnerId",
                table: "NotificationDeliveries");

            migrationBuilder.DropColumn(
                name: "OwnerId",
                table: "Events");

            migrationBuilder.DropColumn(
                name: "UserId",
                table: "AccessKeys");

            migrationBuilder.AddColumn<string>(
                name: "OwnerEmail",
                table: "SnapshotCameras",
                type: "TEXT",
                maxLength: 254,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "OwnerEmail",
                table: "NotificationRules",
                type: "TEXT",
                maxLength: 254,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "OwnerEmail",
                table: "NotificationDeliveries",
                type: "TEXT",
                maxLength: 254,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "OwnerEmail",
                table: "Events",
                type: "TEXT",
                maxLength: 254,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "PrincipalName",
                table: "AccessKeys",
                type: "TEXT",
                maxLength: 320,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "IX_SnapshotCameras_OwnerEmail_Name",
                table: "SnapshotCameras",
                columns: new[] { "OwnerEmail", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_NotificationRules_OwnerEmail",
                table: "NotificationRules",
                column: "OwnerEmail");

            migrationBuilder.CreateIndex(
                name: "IX_NotificationDeliveries_OwnerEmail_CameraId_Label_CreatedAt",
                table: "NotificationDeliveries",
                columns: new[] { "OwnerEmail", "CameraId", "Label", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_NotificationDeliveries_OwnerEmail_CreatedAt",
                table: "NotificationDeliveries",
                columns: new[] { "OwnerEmail", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Events_OwnerEmail_Id",
                table: "Events",
                columns: new[] { "OwnerEmail", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_AccessKeys_PrincipalName",
                table: "AccessKeys",
                column: "PrincipalName");
        }
    }
}
